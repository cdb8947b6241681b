import { type ImageSize, type Problem, corrupt, u16le, u24le, u32le } from "./bytes";

/**
 * What the size readers of PNG, JPEG, GIF and WebP (inspect-*-stream.ts) share: each
 * walks the whole chunk/segment/block structure so that a file cut short or followed
 * by other data (a polyglot) is caught, not just the header.
 */

/** How the readers refuse a file. */
export const headerProblems = {
  noIhdr: corrupt("does not start with an IHDR header."),
  malformedSegment: corrupt("has a malformed segment."),
  noImageData: corrupt("ends before any image data."),
  malformedFrame: corrupt("has a malformed frame header."),
  scanBeforeFrame: corrupt("has image data before its frame header."),
  unknownBlock: corrupt("contains an unknown block."),
  chunkOverrun: corrupt("has a chunk that overruns the file."),
  noImageChunk: corrupt("has no image chunk."),
};

export const isStandaloneMarker = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
/** SOF0–SOF15; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frame headers. */
export const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

export const colorTableLength = (packed: number) => (packed & 0x80 ? 3 * (2 << (packed & 7)) : 0);

/** The first chunk's header gives the size; the walk (inspect-webp-stream.ts) proved it lies inside the file. */
export function readWebpBitstreamSize(bytes: Uint8Array, fourcc: string, chunkSize: number): ImageSize | Problem {
  const at = 20;
  switch (fourcc) {
    case "VP8 ": {
      const isKeyFrame = (bytes[at] & 1) === 0 && bytes[at + 3] === 0x9d && bytes[at + 4] === 0x01 && bytes[at + 5] === 0x2a;
      if (chunkSize < 10 || !isKeyFrame) return corrupt("has a malformed VP8 frame header.");
      return { width: u16le(bytes, at + 6) & 0x3fff, height: u16le(bytes, at + 8) & 0x3fff };
    }
    case "VP8L": {
      const bits = u32le(bytes, at + 1);
      if (chunkSize < 5 || bytes[at] !== 0x2f || bits >>> 29 !== 0) return corrupt("has a malformed VP8L header.");
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case "VP8X":
      if (chunkSize < 10) return corrupt("has a malformed VP8X header.");
      return { width: u24le(bytes, at + 4) + 1, height: u24le(bytes, at + 7) + 1 };
    default:
      return corrupt("does not start with a VP8, VP8L or VP8X chunk.");
  }
}
