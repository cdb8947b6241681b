import { fourcc } from "./bytes";
import { asciiBytes } from "./strip-rules";

/**
 * PNG allow-list: the critical chunks, the ones that change how the pixels look
 * (transparency, colour: iCCP, sRGB, gAMA, cHRM, cICP, sBIT, the HDR mastering
 * chunks, bKGD, pHYs for the pixel aspect) and APNG's animation chunks. The first
 * EXIF chunk, in whatever case it is spelled (readers accept any), becomes a
 * minimal eXIf keeping only the orientation. Every other chunk goes. Kept chunks
 * are copied whole: each CRC covers its own chunk only.
 * The rules; strip-png-stream.ts walks the file by them.
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
