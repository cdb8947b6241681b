import { ascii, concat, crc32, u32be } from "./bytes";
import { jpegSegment } from "./jpeg-encoder";

/**
 * Big test files without big memory: made piece by piece, each piece a few hundred KiB, so a
 * test can send 60 MB to the bucket in parts without ever holding 60 MB.
 */

/**
 * `jpeg` grown to at least `targetBytes` with APP15 segments of random bytes right after SOI:
 * a camera-sized file whose pixels stay small (the renditions are quick) and whose padding is
 * not on the strip allow-list.
 */
export function paddedJpeg(jpeg: Uint8Array, targetBytes: number): Uint8Array {
  const pad: Uint8Array[] = [];
  let size = jpeg.length;
  while (size < targetBytes) {
    const segment = jpegSegment(0xef, crypto.getRandomValues(new Uint8Array(65_000)));
    pad.push(segment);
    size += segment.length;
  }
  return concat([jpeg.subarray(0, 2), ...pad, jpeg.subarray(2)]);
}

const chunk = (type: string, body: Uint8Array) => {
  const typed = concat([ascii(type), body]);
  return concat([u32be(body.length), typed, u32be(crc32(typed))]);
};

/**
 * An RGB PNG of random pixels, its zlib stream made of stored (uncompressed) deflate blocks, one
 * per IDAT chunk: about width × height × 3 bytes, yielded a row band at a time.
 */
export async function* noisePngPieces(width: number, height: number): AsyncGenerator<Uint8Array> {
  const ihdr = concat([u32be(width), u32be(height), new Uint8Array([8, 2, 0, 0, 0])]);
  yield concat([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr)]);
  const rowBytes = 1 + width * 3;
  const rowsPerBlock = Math.max(1, Math.floor(65_535 / rowBytes));
  let a = 1;
  let b = 0;
  for (let row = 0; row < height; row += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, height - row);
    const raw = new Uint8Array(rows * rowBytes);
    for (let offset = 0; offset < raw.length; offset += 65_536) crypto.getRandomValues(raw.subarray(offset, offset + 65_536));
    for (let r = 0; r < rows; r++) raw[r * rowBytes] = 0; // filter: none
    for (const byte of raw) {
      a = (a + byte) % 65_521;
      b = (b + a) % 65_521;
    }
    const last = row + rows >= height;
    const block = concat([
      row === 0 ? new Uint8Array([0x78, 0x01]) : new Uint8Array(0),
      new Uint8Array([last ? 1 : 0, raw.length & 0xff, raw.length >>> 8, ~raw.length & 0xff, (~raw.length >>> 8) & 0xff]),
      raw,
      last ? u32be(((b << 16) | a) >>> 0) : new Uint8Array(0),
    ]);
    yield chunk("IDAT", block);
  }
  yield chunk("IEND", new Uint8Array(0));
}

/** Pieces regrouped into parts of exactly `partBytes` (the last shorter), as a multipart upload wants them. */
export async function* inParts(pieces: AsyncIterable<Uint8Array>, partBytes: number): AsyncGenerator<Uint8Array> {
  let part = new Uint8Array(partBytes);
  let filled = 0;
  for await (const piece of pieces) {
    for (let at = 0; at < piece.length; ) {
      const take = Math.min(piece.length - at, partBytes - filled);
      part.set(piece.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === partBytes) {
        yield part;
        part = new Uint8Array(partBytes);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
}
