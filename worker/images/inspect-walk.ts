import { type ImageSize, type Problem, maxZeroPadding, rejectDataAfterEnd } from "./bytes";
import type { MetadataBlocks } from "./metadata-blocks";
import type { Cursor } from "./stream-cursor";

/**
 * What the inspector's walks (inspect-*-stream.ts) hand back: each reads its format's
 * structure over a Cursor for the size, holding only the EXIF and XMP blocks.
 */

/** What inspectImage reads besides the size: the orientation, and the EXIF and XMP blocks. */
export interface Metadata {
  orientation: number;
  blocks: MetadataBlocks;
}

/** A block to read whole that is over `limit` bytes, over ranged reads: refused rather than held. */
export interface TooLarge {
  tooLarge: number;
}

/** The size reader accepted the file's structure; `metadata` is asked only if sizedAs accepts the size too. */
interface Sized {
  size: ImageSize;
  metadata(): Promise<Metadata | TooLarge>;
}

/** A walk's answer: the size reader's refusal, a block too large to hold, or the size. */
export type Walked = Problem | TooLarge | Sized;

/** `[from, to)` of the object, copied out of the read it came in (so the read can go). */
export async function held(input: Cursor, from: number, to: number): Promise<Uint8Array> {
  input.seek(from);
  return (await input.peek(to - from)).slice();
}

/** rejectDataAfterEnd (bytes.ts) for the bytes after `end`, reading no more than it needs to decide. */
export async function rejectTail(input: Cursor, end: number): Promise<Problem | undefined> {
  input.seek(end);
  return rejectDataAfterEnd(await input.peek(Math.min(input.size - end, maxZeroPadding + 1)), 0);
}
