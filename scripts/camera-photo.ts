import sharp from "sharp";

export interface CameraPhoto {
  name: string;
  bytes: Buffer;
}

/**
 * A camera-size photo: a 12 MP JPEG of 3–6 MB, like a phone's. Shapes at every scale stand in
 * for a scene (what a thumbnail keeps); sensor grain is most of the bytes (what it drops).
 * Seeded, so a run can be repeated. Every other one is a portrait stored landscape with EXIF
 * orientation 6, as phones write them. For the browser tests and the bench (Node, sharp).
 */
export async function cameraPhoto(seed: number): Promise<CameraPhoto> {
  const [width, height] = [4000, 3000];
  let state = (seed * 2654435761) >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  // The scene, drawn at a quarter of the size and scaled up smooth: fast, and soft like a lens.
  const [w, h] = [width / 4, height / 4];
  const shapes = Array.from({ length: 90 }, () => {
    const fill = `rgb(${[random(), random(), random()].map((c) => Math.floor(c * 255)).join(",")})`;
    const opacity = (0.3 + random() * 0.7).toFixed(2);
    const r = 10 + random() * 220;
    const [x, y] = [random() * w, random() * h];
    return random() < 0.5
      ? `<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}" fill-opacity="${opacity}"/>`
      : `<rect x="${x}" y="${y}" width="${r * 1.5}" height="${r}" fill="${fill}" fill-opacity="${opacity}"/>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="rgb(${Math.floor(random() * 200)},120,150)"/>${shapes.join("")}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).resize(width, height, { kernel: "cubic" }).raw().toBuffer({ resolveWithObject: true });
  // Grain: uniform noise whose strength sets the file size (28 → about 3.5 MB, 56 → about 5.5 MB).
  const grain = 28 + (seed % 4) * 9;
  for (let i = 0; i < data.length; i++) {
    const value = data[i] + ((random() * 256) - 128) * (grain / 256);
    data[i] = Math.max(0, Math.min(255, value));
  }
  const portrait = seed % 2 === 1;
  const jpeg = sharp(data, { raw: info }).jpeg({ quality: 92 });
  const bytes = await (portrait ? jpeg.withMetadata({ orientation: 6 }) : jpeg).toBuffer();
  return { name: `IMG_${String(1000 + seed)}.jpg`, bytes };
}
