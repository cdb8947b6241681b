import { fourcc } from "./bytes";
import { asciiBytes } from "./strip-rules";

/**
 * WebP allow-list: VP8X, the bitstreams (VP8, VP8L, ALPH), animation (ANIM, ANMF,
 * inside which only ALPH, VP8 and VP8L stay) and ICCP. The first EXIF chunk, the
 * one a viewer reads, becomes a minimal EXIF keeping only the orientation (WebP has
 * none of its own, but viewers that read EXIF honour it). Everything else goes;
 * the RIFF size and the VP8X EXIF/XMP flags are set to match.
 * The rules; strip-webp-stream.ts walks the file by them.
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

export function riffChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(8 + data.length + (data.length & 1));
  chunk.set(asciiBytes(type));
  new DataView(chunk.buffer).setUint32(4, data.length, true);
  chunk.set(data, 8);
  return chunk;
}
