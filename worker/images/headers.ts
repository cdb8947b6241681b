import {
  type ImageSize,
  type Problem,
  ascii,
  corrupt,
  cutOff,
  fourcc,
  isProblem,
  rejectDataAfterEnd,
  u16be,
  u16le,
  u24le,
  u32be,
  u32le,
} from "./bytes";

/**
 * Size readers for PNG, JPEG, GIF and WebP, called once the signature matched.
 * Each walks the whole chunk/segment/block structure so that a file cut short
 * or followed by other data (a polyglot) is caught, not just the header.
 */

const iend = fourcc("IEND");

/** How these readers refuse a file, shared with the streaming inspector (inspect-*-stream.ts) so both say the same. */
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

export function readPng(bytes: Uint8Array): ImageSize | Problem {
  if (bytes.length < 33) return cutOff; // signature + IHDR chunk
  if (u32be(bytes, 8) !== 13 || ascii(bytes, 12) !== "IHDR") return headerProblems.noIhdr;
  const size = { width: u32be(bytes, 16), height: u32be(bytes, 20) };
  for (let at = 8; at + 12 <= bytes.length; ) {
    const end = at + 12 + u32be(bytes, at);
    if (end > bytes.length) return cutOff;
    if (u32be(bytes, at + 4) === iend) return rejectDataAfterEnd(bytes, end) ?? size;
    at = end;
  }
  return cutOff;
}

export function readJpeg(bytes: Uint8Array): ImageSize | Problem {
  const primary = readJpegStream(bytes, 0);
  if (isProblem(primary)) return primary;
  let end = primary.end;
  // MPF and Ultra HDR photos store further complete JPEGs (previews, gain maps)
  // right after the primary image's EOI; each must itself be a whole JPEG.
  while (bytes[end] === 0xff && bytes[end + 1] === 0xd8 && bytes[end + 2] === 0xff) {
    const next = readJpegStream(bytes, end);
    if (isProblem(next)) return next;
    end = next.end;
  }
  return rejectDataAfterEnd(bytes, end) ?? primary.size;
}

export const isStandaloneMarker = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
/** SOF0–SOF15; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frame headers. */
export const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Walks one SOI…EOI stream starting at `start`; `end` is just past its EOI. */
function readJpegStream(bytes: Uint8Array, start: number): { size: ImageSize; end: number } | Problem {
  let size: ImageSize | undefined;
  let hasScan = false;
  let at = start + 2;
  for (;;) {
    if (at >= bytes.length) return cutOff;
    if (bytes[at] !== 0xff) return headerProblems.malformedSegment;
    while (bytes[at] === 0xff) at++; // fill bytes may precede any marker
    if (at >= bytes.length) return cutOff;
    const marker = bytes[at++];
    if (marker === 0xd9) {
      if (!size || !hasScan) return headerProblems.noImageData;
      return { size, end: at };
    }
    if (isStandaloneMarker(marker)) continue;
    if (marker === 0x00 || marker === 0xd8) return headerProblems.malformedSegment;
    if (at + 2 > bytes.length) return cutOff;
    const length = u16be(bytes, at);
    if (length < 2) return headerProblems.malformedSegment;
    if (at + length > bytes.length) return cutOff;
    if (isStartOfFrame(marker) && !size) {
      if (length < 8) return headerProblems.malformedFrame;
      size = { width: u16be(bytes, at + 5), height: u16be(bytes, at + 3) };
    }
    at += length;
    if (marker === 0xda) {
      if (!size) return headerProblems.scanBeforeFrame;
      hasScan = true;
      at = skipEntropyCodedData(bytes, at);
    }
  }
}

/** Scan data runs to the next marker; FF 00 (stuffed byte) and RSTn belong to it. */
export function skipEntropyCodedData(bytes: Uint8Array, at: number): number {
  for (;;) {
    const ff = bytes.indexOf(0xff, at);
    if (ff === -1 || ff + 1 >= bytes.length) return bytes.length;
    const next = bytes[ff + 1];
    if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) return ff;
    at = ff + 2;
  }
}

export function readGif(bytes: Uint8Array): ImageSize | Problem {
  if (bytes.length < 13) return cutOff;
  const size = { width: u16le(bytes, 6), height: u16le(bytes, 8) };
  let hasFrame = false;
  let at = 13 + colorTableLength(bytes[10]);
  while (at < bytes.length) {
    const block = bytes[at];
    if (block === 0x3b) return rejectDataAfterEnd(bytes, at + 1) ?? size;
    if (block === 0x21) {
      at = skipSubBlocks(bytes, at + 2);
    } else if (block === 0x2c) {
      if (at + 10 > bytes.length) return cutOff;
      if (!hasFrame) {
        // Decoders grow the canvas to fit the first frame, so that is what gets allocated.
        size.width = Math.max(size.width, u16le(bytes, at + 1) + u16le(bytes, at + 5));
        size.height = Math.max(size.height, u16le(bytes, at + 3) + u16le(bytes, at + 7));
        hasFrame = true;
      }
      at = skipSubBlocks(bytes, at + 10 + colorTableLength(bytes[at + 9]) + 1); // + LZW code size
    } else {
      return headerProblems.unknownBlock;
    }
  }
  return cutOff;
}

export const colorTableLength = (packed: number) => (packed & 0x80 ? 3 * (2 << (packed & 7)) : 0);

/** Returns the offset after the zero-length terminator, or past the end when there is none. */
export function skipSubBlocks(bytes: Uint8Array, at: number): number {
  while (at < bytes.length) {
    const length = bytes[at];
    at += 1 + length;
    if (length === 0) return at;
  }
  return bytes.length + 1;
}

export function readWebp(bytes: Uint8Array): ImageSize | Problem {
  const end = 8 + u32le(bytes, 4);
  if (end > bytes.length) return cutOff;
  for (let at = 12; at < end; ) {
    const size = u32le(bytes, at + 4);
    if (at + 8 + size > end) return headerProblems.chunkOverrun;
    at += 8 + size + (size & 1); // chunks are padded to an even length
  }
  const trailing = rejectDataAfterEnd(bytes, end);
  if (trailing) return trailing;
  if (end < 20) return headerProblems.noImageChunk;
  return readWebpBitstreamSize(bytes, ascii(bytes, 12), u32le(bytes, 16));
}

/** The first chunk's header gives the size; the loop above proved it lies inside the file. */
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
