import sharp from "sharp";
import type { FilePayload } from "./images";

/**
 * A 24 MP camera JPEG of about 17 MB (6000 × 4000, quality 95): a few soft shapes for a scene and
 * seeded sensor grain for the bytes, as a full-frame camera writes them. Larger than
 * scripts/camera-photo.ts's 12 MP phone photos, and over three 5 MiB parts. Its EXIF says with
 * what, when and where (GPS) it was taken, as a camera's does.
 */
export async function largeCameraJpeg(name = "DSC_0017.jpg"): Promise<FilePayload> {
  const [width, height] = [6000, 4000];
  const scene = `<svg xmlns="http://www.w3.org/2000/svg" width="${width / 4}" height="${height / 4}">
    <rect width="100%" height="100%" fill="rgb(90,120,150)"/>
    <circle cx="600" cy="400" r="300" fill="rgb(200,180,40)"/>
    <rect x="900" y="550" width="500" height="380" fill="rgb(40,110,60)" fill-opacity="0.8"/>
  </svg>`;
  const { data, info } = await sharp(Buffer.from(scene)).resize(width, height).raw().toBuffer({ resolveWithObject: true });
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = Math.max(0, Math.min(255, data[i] + ((state >>> 0) / 4294967296 - 0.5) * 80));
  }
  const buffer = await sharp(data, { raw: info })
    .jpeg({ quality: 95 })
    .withExif({
      IFD0: { Make: "Nikon", Model: "Z 6" },
      IFD2: { DateTimeOriginal: "2021:07:14 10:00:00" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2964/100", GPSLongitudeRef: "E", GPSLongitude: "2/1 17/1 4020/100" },
    })
    .toBuffer();
  return { name, mimeType: "image/jpeg", buffer };
}

/** A PNG of grain (width × height × 3 bytes and a little more, as no encoder can squeeze noise): a file of several parts, quick to make. */
export async function grainPng(name: string, width: number, height: number): Promise<FilePayload> {
  const grain = sharp({ create: { width, height, channels: 3, background: { r: 120, g: 140, b: 160 }, noise: { type: "gaussian", mean: 128, sigma: 40 } } });
  return { name, mimeType: "image/png", buffer: await grain.png({ compressionLevel: 1 }).toBuffer() };
}
