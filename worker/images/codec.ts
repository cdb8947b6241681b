import { type CaptureTime, readCaptureTime } from "./capture-time";
import { exifOrientation } from "./exif";
import { readHeifOrientation } from "./heif";
import { type MetadataBlocks, findMetadataBlocks } from "./metadata-blocks";
import { type SniffedImage, sniffImage } from "./sniff";

/**
 * The image codecs' one door. Everything here is pure: bytes in, facts or bytes out,
 * no I/O; the input is hostile, so nothing throws.
 */
export { stripMetadata } from "./strip";
export type { ImageFormat } from "./sniff";

export interface InspectedImage extends SniffedImage {
  /** EXIF orientation 1–8 (HEIF's irot/imir translated): how the stored pixels are turned for display. */
  orientation: number;
  /** The size as shown, orientation applied: stored width and height swap for orientations 5–8. */
  displayWidth: number;
  displayHeight: number;
  /** When the photo was taken, from EXIF or XMP (read before stripping removes them); undefined when unknown or implausible. */
  capturedAt?: CaptureTime;
}

export type InspectResult =
  | { ok: true; image: InspectedImage }
  | { ok: false; reason: "empty" | "unsupported" | "truncated" | "corrupt"; message: string };

/** Type (from the bytes alone), stored size, orientation and capture time of an upload; refuses what does not add up. */
export function inspectImage(bytes: Uint8Array, now = new Date()): InspectResult {
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) return sniffed;
  const { format } = sniffed.image;
  const orientation = format === "avif" || format === "heic" ? readHeifOrientation(bytes) : exifOrientation(bytes, format);
  return { ok: true, image: inspected(sniffed.image, orientation, findMetadataBlocks(bytes, format), now) };
}

/** What inspectImage makes of a sniffed image, its orientation and its EXIF and XMP blocks (shared with inspect-stream.ts). */
export function inspected(image: SniffedImage, orientation: number, blocks: MetadataBlocks, now: Date): InspectedImage {
  const { width, height } = image;
  const turned = orientation >= 5;
  const capturedAt = readCaptureTime(blocks, now);
  return { ...image, orientation, displayWidth: turned ? height : width, displayHeight: turned ? width : height, ...(capturedAt ? { capturedAt } : {}) };
}
