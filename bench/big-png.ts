import { createHash } from "node:crypto";
import { inParts, noisePngPieces } from "../worker/test/large-images";
import { partBytes } from "./upload-protocol";

const width = 4096;
const rowBytes = 1 + width * 3;
/** noisePngPieces puts as many rows as fit a stored deflate block (65,535 bytes) in each IDAT chunk. */
const rowsPerChunk = Math.floor(65_535 / rowBytes);
/** An IDAT chunk: length, type and CRC around the stored block's 5-byte header and its rows. */
const chunkBytes = 12 + 5 + rowsPerChunk * rowBytes;
/** Signature, IHDR, IEND, the zlib header and the Adler-32. */
const fixedBytes = 8 + 25 + 12 + 2 + 4;

export interface BigPng {
  name: string;
  /** The file in upload parts (bench/upload-protocol.ts's part size). */
  parts: Buffer[];
  size: number;
  sha256: string;
}

/**
 * A PNG of random pixels, 4,096 px wide, as large as fits in `maxBytes`, made piece by piece
 * (worker/test/large-images.ts) and cut into upload parts: no metadata to strip, so the image
 * the service stores is byte for byte the file.
 */
export async function bigPng(maxBytes: number): Promise<BigPng> {
  const height = Math.floor((maxBytes - fixedBytes) / chunkBytes) * rowsPerChunk;
  const parts: Buffer[] = [];
  const hash = createHash("sha256");
  for await (const part of inParts(noisePngPieces(width, height), partBytes)) {
    const bytes = Buffer.from(part.buffer, part.byteOffset, part.length);
    hash.update(bytes);
    parts.push(bytes);
  }
  const size = parts.reduce((sum, part) => sum + part.length, 0);
  return { name: `noise-${width}x${height}.png`, parts, size, sha256: hash.digest("hex") };
}
