import { ascii, cutOff, u32be } from "./bytes";
import { orientationOf, withoutExifHeader } from "./exif";
import { headerProblems } from "./headers";
import { type TooLarge, type Walked, held, rejectTail } from "./inspect-walk";
import { maxBlockBytes, pngXmpKeyword } from "./metadata-blocks";
import type { Cursor } from "./stream-cursor";
import { maxHeldBlock } from "./stream-output";

/**
 * PNG's size reader: chunk headers only, IDAT skipped, to IEND. On the way, the first
 * EXIF chunk (any case) and the first iTXt with the XMP keyword before IEND: an EXIF
 * chunk is held whole (over ranged reads, up to maxHeldBlock, as the stripper holds
 * it), XMP up to maxBlockBytes.
 */
export async function walkPngForInspection(input: Cursor): Promise<Walked> {
  if (input.size < 33) return cutOff; // signature + IHDR chunk
  const head = await input.peek(33);
  if (u32be(head, 8) !== 13 || ascii(head, 12) !== "IHDR") return headerProblems.noIhdr;
  const size = { width: u32be(head, 16), height: u32be(head, 20) };
  let exif: Uint8Array | TooLarge | undefined;
  let exifFound = false;
  let xmp: { packet?: Uint8Array } | undefined;
  for (let at = 8; at + 12 <= input.size; ) {
    input.seek(at);
    const header = await input.peek(8);
    const length = u32be(header, 0);
    const end = at + 12 + length;
    if (end > input.size) return cutOff;
    const type = ascii(header, 4);
    if (!exifFound && type.toLowerCase() === "exif") {
      exifFound = true;
      exif = input.cannotHold(length, maxHeldBlock) ? { tooLarge: maxHeldBlock } : withoutExifHeader(await held(input, at + 8, at + 8 + length));
    }
    if (!xmp && type === "iTXt") xmp = await readXmpChunk(input, at + 8, at + 8 + length);
    if (type === "IEND") {
      const found = exif;
      const packet = xmp?.packet;
      const metadata = async () => (found && "tooLarge" in found ? found : { orientation: orientationOf(found), blocks: { exif: found, xmp: packet } });
      return (await rejectTail(input, end)) ?? { size, metadata };
    }
    at = end;
  }
  return cutOff;
}

/** An iTXt chunk's XMP: undefined if its keyword is not XMP's (the search goes on), else the packet (none if compressed). */
async function readXmpChunk(input: Cursor, start: number, end: number): Promise<{ packet?: Uint8Array } | undefined> {
  input.seek(start);
  const head = await input.peek(pngXmpKeyword.length + 1); // past a short chunk's end too
  if (ascii(head, 0, pngXmpKeyword.length) !== pngXmpKeyword) return undefined;
  if (head[pngXmpKeyword.length] !== 0) return {}; // compressed
  let text = start + pngXmpKeyword.length + 2; // compression flag and method
  for (let nul = 0; nul < 2 && text < end; ) {
    // language tag, translated keyword
    input.seek(text);
    const run = (await input.available()).subarray(0, end - text);
    let i = 0;
    for (; i < run.length && nul < 2; i++) if (run[i] === 0) nul++;
    text += i;
  }
  return { packet: text < end ? await held(input, text, Math.min(end, text + maxBlockBytes)) : undefined };
}
