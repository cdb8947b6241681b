import { ascii, isProblem, u32be } from "./bytes";
import { type CaptureTime, readCaptureTime } from "./capture-time";
import { walkGifForInspection } from "./inspect-gif-stream";
import { walkHeifForInspection } from "./inspect-heif-stream";
import { walkJpegForInspection } from "./inspect-jpeg-stream";
import { walkPngForInspection } from "./inspect-png-stream";
import type { Walked } from "./inspect-walk";
import type { MetadataBlocks } from "./metadata-blocks";
import { walkWebpForInspection } from "./inspect-webp-stream";
import { type ImageFormat, type SniffedImage, detectFormat, formatLabel, refusedAs, sizedAs } from "./sniff";
import type { Cursor } from "./stream-cursor";
import { maxHeldBlock } from "./stream-output";
import { type ImageSource, type StreamOptions, cursorOver } from "./strip-stream";

/**
 * The one inspector, for objects in the bucket (ranged reads) and bytes in memory alike:
 * type (from the bytes alone), stored size, orientation and capture time. Each format's
 * walk (inspect-*-stream.ts) follows its size reader step by step, reading chunk and box
 * headers and skipping the rest where the format allows (PNG, WebP, HEIF), all of a JPEG
 * or GIF where it does not (only reading every byte finds where a scan or a sub-block
 * chain ends), and holds only the EXIF and XMP blocks. Over ranged reads, at most a read
 * or two (blockSize each) and those blocks are held at a time.
 */

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

/** Reads are few and large: a Worker's subrequests are counted, and a 100 MiB JPEG is read whole. */
const defaultBlockSize = 4 * 1024 * 1024;

const walks: Record<ImageFormat, (input: Cursor) => Promise<Walked>> = {
  jpeg: walkJpegForInspection,
  png: walkPngForInspection,
  webp: walkWebpForInspection,
  gif: walkGifForInspection,
  avif: walkHeifForInspection,
  heic: walkHeifForInspection,
};

type Refusal = Extract<InspectResult, { ok: false }>;

/**
 * Refuses what does not add up; and, over ranged reads, a block it would have to hold
 * that is past what the streaming stripper holds (an EXIF chunk over 1 MiB, HEIF's meta
 * over 4 MiB, an ftyp over 1 MiB), as unsupported. A read that fails rejects.
 */
export async function inspectImage(object: ImageSource, now = new Date(), options: StreamOptions = {}): Promise<InspectResult> {
  const input = cursorOver(object, options.blockSize ?? defaultBlockSize);
  if (input.size === 0) return { ok: false, reason: "empty", message: "The file is empty." };
  const format = await detect(input);
  if (typeof format !== "string") return format;
  const walked = await walks[format](input);
  if ("tooLarge" in walked) return tooLarge(`${formatLabel(format)} file carries a metadata block`, walked.tooLarge);
  if (isProblem(walked)) return refusedAs(format, walked);
  const sniffed = sizedAs(format, walked.size);
  if (!sniffed.ok) return sniffed;
  const metadata = await walked.metadata();
  if ("tooLarge" in metadata) return tooLarge(`${formatLabel(format)} file carries a metadata block`, metadata.tooLarge);
  return { ok: true, image: inspected(sniffed.image, metadata.orientation, metadata.blocks, now) };
}

/**
 * detectFormat on the first 16 bytes, which is all it reads but for HEIF's compatible
 * brands: those run to the end of ftyp, which is then read.
 */
async function detect(input: Cursor): Promise<ImageFormat | Refusal> {
  const head = await input.peek(16);
  let format = detectFormat(head);
  const mayBeHeif = format === "avif" || format === "heic" || typeof format !== "string";
  if (mayBeHeif && head.length >= 12 && ascii(head, 4) === "ftyp") {
    const brandsEnd = Math.min(input.size, Math.max(16, u32be(head, 0)));
    if (input.cannotHold(brandsEnd, maxHeldBlock)) return tooLarge("file declares a file-type box", maxHeldBlock);
    format = detectFormat(await input.peek(brandsEnd));
  }
  return typeof format === "string" ? format : { ok: false, reason: "unsupported", message: format.unsupported };
}

/** `what`, as the stripper's refusals say it: "This PNG file carries a metadata block too large …". */
const tooLarge = (what: string, limit: number): Refusal => ({
  ok: false,
  reason: "unsupported",
  message: `This ${what} too large to read while streaming (over ${limit / (1024 * 1024)} MiB).`,
});

/** The image, its orientation and its EXIF and XMP blocks, as InspectedImage. */
function inspected(image: SniffedImage, orientation: number, blocks: MetadataBlocks, now: Date): InspectedImage {
  const { width, height } = image;
  const turned = orientation >= 5;
  const capturedAt = readCaptureTime(blocks, now);
  return { ...image, orientation, displayWidth: turned ? height : width, displayHeight: turned ? width : height, ...(capturedAt ? { capturedAt } : {}) };
}
