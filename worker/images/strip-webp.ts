import { fourcc, u32be, u32le } from "./bytes";
import { withoutExifHeader } from "./exif";
import { Rebuild, type StripResult, asciiBytes, keptExif, label, labelExif, unreadable } from "./rebuild";

/**
 * WebP allow-list: VP8X, the bitstreams (VP8, VP8L, ALPH), animation (ANIM, ANMF,
 * inside which only ALPH, VP8 and VP8L stay) and ICCP. The first EXIF chunk, the
 * one a viewer reads, becomes a minimal EXIF keeping only the orientation (WebP has
 * none of its own, but viewers that read EXIF honour it). Everything else goes;
 * the RIFF size and the VP8X EXIF/XMP flags are set to match.
 */
export const kept = new Set(["VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ICCP"].map(fourcc));
export const keptInFrame = new Set(["ALPH", "VP8 ", "VP8L"].map(fourcc));
export const vp8x = fourcc("VP8X");
export const anmf = fourcc("ANMF");
export const exifChunk = fourcc("EXIF");
export const xmpChunk = fourcc("XMP ");
export const exifFlag = 0x08;
export const xmpFlag = 0x04;
export const frameHeaderLength = 16;

export function stripWebp(bytes: Uint8Array): StripResult {
  const riffEnd = 8 + u32le(bytes, 4);
  if (riffEnd > bytes.length || riffEnd < 20) return unreadable("WebP");
  const out = new Rebuild(bytes);
  out.keep(0, 12);
  let keepsExif = false;
  let exifSeen = false;
  for (let at = 12; at < riffEnd; ) {
    if (at + 8 > riffEnd) return unreadable("WebP");
    const size = u32le(bytes, at + 4);
    if (at + 8 + size > riffEnd) return unreadable("WebP");
    const end = Math.min(at + 8 + size + (size & 1), riffEnd); // odd chunks carry a padding byte
    const type = u32be(bytes, at);
    const data = bytes.subarray(at + 8, at + 8 + size);
    if (kept.has(type)) {
      out.keep(at, end);
    } else if (type === anmf) {
      const frame = frameWithoutExtras(data, out.removed);
      if (!frame) return unreadable("WebP");
      if (frame === data) out.keep(at, end);
      else out.add(riffChunk("ANMF", frame));
    } else if (type === exifChunk && !exifSeen) {
      exifSeen = true;
      const tiff = withoutExifHeader(data);
      const replacement = keptExif(tiff, out.removed);
      if (replacement === tiff) out.keep(at, end);
      else if (replacement) out.add(riffChunk("EXIF", replacement));
      keepsExif = replacement !== undefined;
    } else if (type === exifChunk) {
      labelExif(withoutExifHeader(data), out.removed);
    } else {
      out.removed.add(type === xmpChunk ? label.xmp : label.other);
    }
    at = end;
  }
  out.keep(riffEnd, bytes.length); // the few zero bytes of padding the upload check allows
  const result = out.finish();
  if (result.bytes === bytes) return result;
  const view = new DataView(result.bytes.buffer);
  view.setUint32(4, riffEnd - 8 - (bytes.length - result.bytes.length), true);
  if (u32be(result.bytes, 12) === vp8x) {
    result.bytes[20] = (result.bytes[20] & ~(exifFlag | xmpFlag)) | (keepsExif ? exifFlag : 0);
  }
  return result;
}

/** An ANMF payload (frame header, then chunks) without chunks other than the frame's bitstreams; undefined if malformed. */
function frameWithoutExtras(data: Uint8Array, removed: Set<string>): Uint8Array | undefined {
  if (data.length < frameHeaderLength) return undefined;
  const keptRanges: [number, number][] = [[0, frameHeaderLength]];
  let dropped = false;
  for (let at = frameHeaderLength; at < data.length; ) {
    if (at + 8 > data.length) return undefined;
    const size = u32le(data, at + 4);
    if (at + 8 + size > data.length) return undefined;
    const end = Math.min(at + 8 + size + (size & 1), data.length);
    if (keptInFrame.has(u32be(data, at))) keptRanges.push([at, end]);
    else dropped = true;
    at = end;
  }
  if (!dropped) return data;
  removed.add(label.other);
  const frame = new Uint8Array(keptRanges.reduce((sum, [start, end]) => sum + end - start, 0));
  let written = 0;
  for (const [start, end] of keptRanges) {
    frame.set(data.subarray(start, end), written);
    written += end - start;
  }
  return frame;
}

export function riffChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(8 + data.length + (data.length & 1));
  chunk.set(asciiBytes(type));
  new DataView(chunk.buffer).setUint32(4, data.length, true);
  chunk.set(data, 8);
  return chunk;
}
