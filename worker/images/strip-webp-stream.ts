import { u32be, u32le } from "./bytes";
import { withoutExifHeader } from "./exif";
import { asciiBytes, keptExif, label, labelExif } from "./strip-rules";
import type { Cursor } from "./stream-cursor";
import { type Output, type Walked, cannotFollow, maxHeldBlock, tooLarge } from "./stream-output";
import { anmf, exifChunk, exifFlag, frameHeaderLength, kept, keptInFrame, riffChunk, vp8x, xmpChunk, xmpFlag } from "./strip-webp";

/** What the first pass learnt that the header, written first, must say. */
export interface WebpPlan {
  length: number;
  keepsExif: boolean;
  changed: boolean;
}

/**
 * The WebP allow-list (strip-webp.ts) as a walk over ranged reads: chunk by chunk, kept
 * chunks copied as they are read. The RIFF size and VP8X flags at the front
 * depend on every chunk, so the first pass (which reads chunk headers only)
 * plans them and the second writes them. An ANMF frame losing chunks gets a
 * new size too: its chunk headers are read ahead before it is written.
 */
export async function walkWebp(input: Cursor, out: Output, plan?: WebpPlan): Promise<Walked<WebpPlan>> {
  const riffEnd = 8 + u32le(await input.peek(8), 4);
  if (riffEnd > input.size || riffEnd < 20) return cannotFollow("WebP");
  if (plan?.changed) out.fixHead(21, (head) => fixHeader(head, riffEnd - 8 - (input.size - plan.length), plan.keepsExif));
  await out.copy(12);
  let keepsExif = false;
  let exifSeen = false;
  for (let at = 12; at < riffEnd; at = input.position) {
    if (at + 8 > riffEnd) return cannotFollow("WebP");
    const header = await input.peek(8);
    const size = u32le(header, 4);
    if (at + 8 + size > riffEnd) return cannotFollow("WebP");
    const end = Math.min(at + 8 + size + (size & 1), riffEnd); // odd chunks carry a padding byte
    const type = u32be(header, 0);
    if (kept.has(type)) {
      await out.copy(end - at);
    } else if (type === anmf) {
      if (!(await passFrame(input, out, size, end))) return cannotFollow("WebP");
    } else if (type === exifChunk) {
      if (input.cannotHold(size, maxHeldBlock)) return tooLarge("WebP");
      const tiff = withoutExifHeader((await input.peek(8 + size)).subarray(8));
      if (exifSeen) {
        labelExif(tiff, out.removed);
        input.skip(end - at);
        continue;
      }
      exifSeen = true;
      const replacement = keptExif(tiff, out.removed);
      keepsExif = replacement !== undefined;
      if (replacement === tiff) {
        await out.copy(end - at);
      } else {
        input.skip(end - at);
        if (replacement) await out.add(riffChunk("EXIF", replacement));
      }
    } else {
      out.removed.add(type === xmpChunk ? label.xmp : label.other);
      input.skip(end - at);
    }
  }
  await out.copy(input.size - riffEnd); // the few zero bytes of padding the upload check allows
  return { ok: true, plan: { length: out.length, keepsExif, changed: out.removed.size > 0 } };
}

/** The RIFF size and VP8X flags, set on the first 21 bytes of the output. */
function fixHeader(head: Uint8Array, riffSize: number, keepsExif: boolean): void {
  new DataView(head.buffer, head.byteOffset, head.length).setUint32(4, riffSize, true);
  if (u32be(head, 12) === vp8x && head.length > 20) head[20] = (head[20] & ~(exifFlag | xmpFlag)) | (keepsExif ? exifFlag : 0);
}

/** An ANMF chunk, as frameWithoutExtras leaves it: whole when only bitstreams are in it; false if malformed. */
async function passFrame(input: Cursor, out: Output, size: number, end: number): Promise<boolean> {
  const at = input.position;
  const dataEnd = at + 8 + size;
  if (size < frameHeaderLength) return false;
  let keptLength = frameHeaderLength;
  let dropped = false;
  const ahead = input.fork(at + 8 + frameHeaderLength);
  for (let chunk = ahead.position; chunk < dataEnd; chunk = ahead.position) {
    const found = await frameChunk(ahead, dataEnd);
    if (!found) return false;
    if (found.kept) keptLength += found.end - chunk;
    else dropped = true;
    ahead.seek(found.end);
  }
  if (!dropped) {
    await out.copy(end - at);
    return true;
  }
  out.removed.add(label.other);
  const header = new Uint8Array(8);
  header.set(asciiBytes("ANMF"));
  new DataView(header.buffer).setUint32(4, keptLength, true);
  await out.add(header);
  input.skip(8);
  await out.copy(frameHeaderLength);
  while (input.position < dataEnd) {
    const chunk = input.position;
    const found = await frameChunk(input, dataEnd);
    if (!found) return false;
    if (found.kept) await out.copy(found.end - chunk);
    else input.skip(found.end - chunk);
  }
  if (keptLength & 1) await out.add(new Uint8Array(1));
  input.seek(end);
  return true;
}

async function frameChunk(input: Cursor, dataEnd: number): Promise<{ end: number; kept: boolean } | undefined> {
  const at = input.position;
  if (at + 8 > dataEnd) return undefined;
  const header = await input.peek(8);
  const size = u32le(header, 4);
  if (at + 8 + size > dataEnd) return undefined;
  return { end: Math.min(at + 8 + size + (size & 1), dataEnd), kept: keptInFrame.has(u32be(header, 0)) };
}
