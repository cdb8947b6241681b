import { ascii, cutOff, isProblem, u32le } from "./bytes";
import { orientationOf, withoutExifHeader } from "./exif";
import { headerProblems, readWebpBitstreamSize } from "./headers";
import { type TooLarge, type Walked, held, rejectTail } from "./inspect-walk";
import { maxBlockBytes } from "./metadata-blocks";
import type { Cursor } from "./stream-cursor";
import { maxHeldBlock } from "./stream-output";

/**
 * WebP's size reader: the chunk headers to the RIFF end, each chunk's body skipped,
 * then the first chunk's bitstream header, which the first read holds. On the way,
 * the first top-level EXIF and XMP chunks: EXIF held whole (over ranged reads, up to
 * maxHeldBlock, as the stripper holds it), XMP up to maxBlockBytes.
 */
export async function walkWebpForInspection(input: Cursor): Promise<Walked> {
  const head = (await input.peek(30)).slice(); // RIFF header, the first chunk's header, and what readWebpBitstreamSize reads after it
  const end = 8 + u32le(head, 4);
  if (end > input.size) return cutOff;
  let exif: Uint8Array | TooLarge | undefined;
  let exifFound = false;
  let xmp: Uint8Array | undefined;
  let xmpFound = false;
  for (let at = 12; at < end; ) {
    if (at + 8 > end) return headerProblems.chunkOverrun; // whatever size the bytes after `end` say
    input.seek(at);
    const header = await input.peek(8);
    const size = u32le(header, 4);
    if (at + 8 + size > end) return headerProblems.chunkOverrun;
    const type = ascii(header, 0);
    if (type === "EXIF" && !exifFound) {
      exifFound = true;
      exif = input.cannotHold(size, maxHeldBlock) ? { tooLarge: maxHeldBlock } : withoutExifHeader(await held(input, at + 8, at + 8 + size));
    } else if (type === "XMP " && !xmpFound) {
      xmpFound = true;
      xmp = size > 0 ? await held(input, at + 8, at + 8 + Math.min(size, maxBlockBytes)) : undefined;
    }
    at += 8 + size + (size & 1); // chunks are padded to an even length
  }
  const trailing = await rejectTail(input, end);
  if (trailing) return trailing;
  if (end < 20) return headerProblems.noImageChunk;
  const size = readWebpBitstreamSize(head, ascii(head, 12), u32le(head, 16));
  if (isProblem(size)) return size;
  const found = exif;
  return { size, metadata: async () => (found && "tooLarge" in found ? found : { orientation: orientationOf(found), blocks: { exif: found, xmp } }) };
}
