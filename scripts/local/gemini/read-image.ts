import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { inspectImage } from "../../../worker/images/inspect-stream";

/**
 * What the offline stand-in can learn from an image without a model: its format
 * and size as shown (EXIF or HEIF orientation applied, as a viewer or a model sees the photo)
 * and, for PNG and JPEG, its dominant colours.
 */
type ImageFormat = "PNG" | "JPEG" | "GIF" | "WebP" | "AVIF" | "HEIC";

type ColourName =
  | "black" | "white" | "grey" | "red" | "orange" | "yellow" | "green" | "blue" | "purple" | "pink" | "brown";

/** The size as stored in the file and as shown (EXIF or HEIF orientation applied). */
export interface ImageSize {
  width: number;
  height: number;
  displayWidth: number;
  displayHeight: number;
}

export interface ImageFacts {
  format: ImageFormat;
  size?: { width: number; height: number };
  /** Most common first; empty when this format is not decoded here. */
  colours: ColourName[];
}

/** Gemini refuses bytes it cannot read with 400, so the stand-in does too. */
export class UnreadableImageError extends Error {}

const maxSampledPixels = 20_000;
const minColourShare = 0.1;

/** `size` is readImageSize's answer for these bytes. */
export function readImage(bytes: Buffer, size: ImageSize | undefined): ImageFacts {
  const format = detectFormat(bytes);
  if (!format) throw new UnreadableImageError("not a PNG, JPEG, GIF, WebP, AVIF or HEIC image");
  const shown = size ? { width: size.displayWidth, height: size.displayHeight } : undefined;
  try {
    if (format === "PNG" || format === "JPEG") {
      const { width, height, data } = format === "PNG" ? PNG.sync.read(bytes) : decodeJpeg(bytes);
      return { format, size: shown ?? { width, height }, colours: dominantColours(data, width * height) };
    }
    return { format, size: shown, colours: [] };
  } catch (error) {
    throw new UnreadableImageError(`cannot decode the ${format} image: ${String(error)}`);
  }
}

/** Read as the worker reads it: a HEIC's primary item (not its largest tile); undefined when the header cannot be read. */
export async function readImageSize(bytes: Uint8Array): Promise<ImageSize | undefined> {
  const inspected = await inspectImage(bytes);
  if (!inspected.ok) return undefined;
  const { width, height, displayWidth, displayHeight } = inspected.image;
  return { width, height, displayWidth, displayHeight };
}

function decodeJpeg(bytes: Buffer) {
  return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 50, maxMemoryUsageInMB: 512 });
}

function detectFormat(b: Buffer): ImageFormat | undefined {
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "PNG";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "JPEG";
  const ascii = (start: number, end: number) => b.toString("latin1", start, end);
  if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return "GIF";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "WebP";
  if (ascii(4, 8) !== "ftyp") return undefined;
  const boxEnd = Math.min(b.readUInt32BE(0), b.length);
  const brands = [ascii(8, 12)];
  for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(ascii(at, at + 4));
  if (brands.some((brand) => brand === "avif" || brand === "avis")) return "AVIF";
  const heifBrands = ["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1"];
  return brands.some((brand) => heifBrands.includes(brand)) ? "HEIC" : undefined;
}

function dominantColours(rgba: Uint8Array, pixels: number): ColourName[] {
  const counts = new Map<ColourName, number>();
  const step = Math.max(1, Math.floor(pixels / maxSampledPixels));
  let sampled = 0;
  for (let pixel = 0; pixel < pixels; pixel += step) {
    const at = pixel * 4;
    if (rgba[at + 3] < 128) continue;
    const name = nameColour(rgba[at], rgba[at + 1], rgba[at + 2]);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    sampled++;
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const dominant = ranked.filter(([, count]) => count / sampled >= minColourShare).slice(0, 3);
  return (dominant.length ? dominant : ranked.slice(0, 1)).map(([name]) => name);
}

function nameColour(r: number, g: number, b: number): ColourName {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const lightness = (max + min) / 2;
  const chroma = max - min;
  if (lightness < 0.12) return "black";
  if (lightness > 0.92) return "white";
  if (chroma < 0.12) return lightness > 0.75 ? "white" : lightness < 0.25 ? "black" : "grey";
  const hue = hueDegrees(r / 255, g / 255, b / 255, max, chroma);
  if (hue < 15 || hue >= 345) return lightness > 0.75 ? "pink" : lightness < 0.3 ? "brown" : "red";
  if (hue < 45) return lightness < 0.4 ? "brown" : "orange";
  if (hue < 70) return lightness < 0.3 ? "brown" : "yellow";
  if (hue < 170) return "green";
  if (hue < 260) return "blue";
  if (hue < 300) return "purple";
  return "pink";
}

function hueDegrees(r: number, g: number, b: number, max: number, chroma: number): number {
  const sector = max === r ? ((g - b) / chroma + 6) % 6 : max === g ? (b - r) / chroma + 2 : (r - g) / chroma + 4;
  return sector * 60;
}
