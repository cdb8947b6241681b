import { fourcc, u32be } from "./bytes";
import { Rebuild, type StripResult, asciiBytes, keptExif, label, labelExif, startsWith, unreadable } from "./rebuild";
import { withoutExifHeader } from "./exif";

/**
 * PNG allow-list: the critical chunks, the ones that change how the pixels look
 * (transparency, colour: iCCP, sRGB, gAMA, cHRM, cICP, sBIT, the HDR mastering
 * chunks, bKGD, pHYs for the pixel aspect) and APNG's animation chunks. The first
 * EXIF chunk, in whatever case it is spelled (readers accept any), becomes a
 * minimal eXIf keeping only the orientation. Every other chunk goes. Kept chunks
 * are copied whole: each CRC covers its own chunk only.
 */
export const kept = new Set(
  [
    "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "iCCP", "sRGB", "gAMA", "cHRM", "cICP", "sBIT",
    "mDCV", "cLLI", "mDCv", "cLLi", "bKGD", "pHYs", "acTL", "fcTL", "fdAT",
  ].map(fourcc),
);

export const iend = fourcc("IEND");
export const textChunks = new Set(["tEXt", "zTXt", "iTXt"].map(fourcc));
export const asciiCaseBits = 0x20202020;
export const exifAnyCase = fourcc("exif");
export const xmpChunk = fourcc("txmp");

export function stripPng(bytes: Uint8Array): StripResult {
  const out = new Rebuild(bytes);
  out.keep(0, 8);
  let exifSeen = false;
  for (let at = 8; at + 12 <= bytes.length; ) {
    const end = at + 12 + u32be(bytes, at);
    if (end > bytes.length) return unreadable("PNG");
    const type = u32be(bytes, at + 4);
    const data = bytes.subarray(at + 8, end - 4);
    if (kept.has(type)) {
      out.keep(at, end);
    } else if ((type | asciiCaseBits) >>> 0 === exifAnyCase) {
      const tiff = withoutExifHeader(data);
      if (exifSeen) {
        labelExif(tiff, out.removed);
      } else {
        exifSeen = true;
        const replacement = keptExif(tiff, out.removed);
        if (replacement === tiff && type === fourcc("eXIf")) out.keep(at, end);
        else if (replacement) out.add(pngChunk("eXIf", replacement));
      }
    } else if (textChunks.has(type)) {
      out.removed.add(startsWith(data, "XML:com.adobe.xmp\0") ? label.xmp : label.text);
    } else {
      out.removed.add((type | asciiCaseBits) >>> 0 === xmpChunk ? label.xmp : label.other);
    }
    if (type === iend) {
      out.keep(end, bytes.length); // the few zero bytes of padding the upload check allows
      return out.finish();
    }
    at = end;
  }
  return unreadable("PNG");
}

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(asciiBytes(type), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** Bitwise CRC-32 (PNG's): it only ever covers a 30-byte eXIf chunk, so a table would not pay. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
