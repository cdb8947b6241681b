import { type ImageSize, type Problem, ascii, isProblem, u32be } from "./bytes";

export type ImageFormat = "jpeg" | "png" | "webp" | "gif" | "avif" | "heic";

export interface SniffedImage {
  format: ImageFormat;
  contentType: string;
  extension: string;
  width: number;
  height: number;
}

type SniffResult =
  | { ok: true; image: SniffedImage }
  | { ok: false; reason: "empty" | "unsupported" | "truncated" | "corrupt"; message: string };

interface FormatInfo {
  label: string;
  contentType: string;
  extension: string;
}

const formats: Record<ImageFormat, FormatInfo> = {
  jpeg: { label: "JPEG", contentType: "image/jpeg", extension: "jpg" },
  png: { label: "PNG", contentType: "image/png", extension: "png" },
  webp: { label: "WebP", contentType: "image/webp", extension: "webp" },
  gif: { label: "GIF", contentType: "image/gif", extension: "gif" },
  avif: { label: "AVIF", contentType: "image/avif", extension: "avif" },
  heic: { label: "HEIC", contentType: "image/heic", extension: "heic" },
};

/** Every content type an upload can be stored as. */
export const imageContentTypes = Object.values(formats).map((format) => format.contentType);

const notAnImage = "Only JPEG, PNG, WebP, GIF, AVIF and HEIC images are accepted.";

/**
 * An upload is identified by its bytes alone (the file name and Content-Type are the
 * client's word), its pixel size read from its structure (inspect-*-stream.ts). The
 * input is hostile: a file that is cut short or carries data past its end is refused
 * rather than guessed at. This is the answer once `format`'s walk has read the file:
 * the image, or why it is refused.
 */
export function sizedAs(format: ImageFormat, size: ImageSize | Problem): SniffResult {
  const { label, contentType, extension } = formats[format];
  if (isProblem(size)) return refusedAs(format, size);
  if (size.width === 0 || size.height === 0) {
    return { ok: false, reason: "corrupt", message: `This ${label} file declares an empty image (${size.width}×${size.height}).` };
  }
  return { ok: true, image: { format, contentType, extension, ...size } };
}

/** How a `format` file that does not add up is refused. */
export function refusedAs(format: ImageFormat, problem: Problem): { ok: false; reason: Problem["reason"]; message: string } {
  return { ok: false, reason: problem.reason, message: `This ${formats[format].label} file ${problem.detail}` };
}

/** How messages name the format: "This WebP file …". */
export const formatLabel = (format: ImageFormat) => formats[format].label;

/** The format the first bytes say, or why it is not one; HEIF's compatible brands are read up to the end of ftyp. */
export function detectFormat(bytes: Uint8Array): ImageFormat | { unsupported: string } {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (hasAscii(bytes, 0, "GIF87a") || hasAscii(bytes, 0, "GIF89a")) return "gif";
  if (hasAscii(bytes, 0, "RIFF") && hasAscii(bytes, 8, "WEBP")) return "webp";
  if (hasAscii(bytes, 4, "ftyp") && bytes.length >= 12) return heifFormat(bytes);
  return { unsupported: notAnImage };
}

const avifBrands = new Set(["avif", "avis"]);
const heicBrands = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis"]);

/**
 * AVIF, HEIC, MP4 and QuickTime share the ISO-BMFF container; the `ftyp` brands
 * say which. The major brand wins; otherwise any compatible brand will do, so
 * `mif1` + `heic` is HEIC and `mp41` + `avif` is AVIF.
 */
function heifFormat(bytes: Uint8Array): ImageFormat | { unsupported: string } {
  const major = ascii(bytes, 8);
  if (avifBrands.has(major)) return "avif";
  if (heicBrands.has(major)) return "heic";
  const brandsEnd = Math.min(bytes.length, u32be(bytes, 0));
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= brandsEnd; at += 4) compatible.push(ascii(bytes, at));
  if (compatible.some((brand) => avifBrands.has(brand))) return "avif";
  if (compatible.some((brand) => heicBrands.has(brand))) return "heic";
  if (major === "mif1" || major === "msf1" || compatible.includes("mif1")) {
    return { unsupported: "HEIF images are accepted only when encoded as AVIF or HEIC." };
  }
  return { unsupported: notAnImage };
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);
}

function hasAscii(bytes: Uint8Array, at: number, text: string): boolean {
  return bytes.length >= at + text.length && ascii(bytes, at, text.length) === text;
}
