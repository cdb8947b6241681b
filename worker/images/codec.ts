import { exifOrientation } from "./exif";
import { readHeifOrientation } from "./heif";
import { type SniffedImage, sniffImage } from "./sniff";

/**
 * The image codecs' one door. Everything here is pure: bytes in, facts or bytes out,
 * no I/O; the input is hostile, so nothing throws.
 */
export { stripMetadata } from "./strip";
export type { ImageFormat } from "./sniff";

interface InspectedImage extends SniffedImage {
  /** EXIF orientation 1–8 (HEIF's irot/imir translated): how the stored pixels are turned for display. */
  orientation: number;
  /** The size as shown, orientation applied: stored width and height swap for orientations 5–8. */
  displayWidth: number;
  displayHeight: number;
}

export type InspectResult =
  | { ok: true; image: InspectedImage }
  | { ok: false; reason: "empty" | "unsupported" | "truncated" | "corrupt"; message: string };

/** Type (from the bytes alone), stored size and orientation of an upload; refuses what does not add up. */
export function inspectImage(bytes: Uint8Array): InspectResult {
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) return sniffed;
  const { format, width, height } = sniffed.image;
  const orientation = format === "avif" || format === "heic" ? readHeifOrientation(bytes) : exifOrientation(bytes, format);
  const turned = orientation >= 5;
  return {
    ok: true,
    image: { ...sniffed.image, orientation, displayWidth: turned ? height : width, displayHeight: turned ? width : height },
  };
}
