import { describe, expect, it } from "vitest";
import { ascii, concat, u32be } from "../test/bytes";
import { exifTiff, makeJpegWithMetadata, makePngWithMetadata, pngChunk } from "../test/images";
import { hashInPassing } from "./hash-in-passing";
import type { ImageFormat } from "./sniff";
import { stripMetadata, stripMetadataStream } from "./strip-stream";
import { generated, held, type Part, scanTile, VirtualFile } from "./stream-test-helpers";

const MiB = 1024 * 1024;
const fileSize = 100 * MiB;

/**
 * Hands out what is asked and keeps count: the largest read, and how far reading
 * got ahead of what the stripped stream had given its reader. Each block is
 * detached (its memory taken back) three reads after it was handed out, so a
 * stripper that held on to one, or queued it unread, would stream emptied bytes
 * and fail the hash.
 */
class MeasuringReader {
  largestRead = 0;
  mostAhead = 0;
  bytesRead = 0;
  /** Output bytes given to the stripped stream's reader so far. */
  delivered = 0;
  private readonly handedOut: Uint8Array[] = [];

  constructor(
    private readonly file: VirtualFile,
    private readonly inputOffsetOf: (output: number) => number,
  ) {}

  readonly read = async (offset: number, length: number) => {
    this.largestRead = Math.max(this.largestRead, length);
    this.bytesRead += length;
    if (this.delivered > 0) this.mostAhead = Math.max(this.mostAhead, offset + length - this.inputOffsetOf(this.delivered));
    const block = this.file.read(offset, length);
    this.handedOut.push(block);
    const old = this.handedOut.length > 3 ? this.handedOut.shift() : undefined;
    if (old) structuredClone(old.buffer, { transfer: [old.buffer] });
    return block;
  };
}

function piecesOf(file: VirtualFile): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= file.size) return controller.close();
      const length = Math.min(MiB, file.size - at);
      controller.enqueue(file.read(at, length));
      at += length;
    },
  });
}

async function sha256Of(stream: ReadableStream<Uint8Array>, onPiece: (piece: Uint8Array) => void = () => {}): Promise<string> {
  const hashed = hashInPassing(stream);
  for await (const piece of hashed.stream) onPiece(piece);
  return hashed.sha256;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  for (let at = haystack.indexOf(needle[0]); at !== -1; at = haystack.indexOf(needle[0], at + 1)) {
    if (needle.every((byte, i) => haystack[at + i] === byte)) return at;
  }
  return -1;
}

/**
 * The big file's parts: `head` (its metadata) and `tail` as a small model has them,
 * `body` generated. What stripping must make of it: the model's stripped head and
 * tail around the same body (`sample` is the body's stand-in in the model).
 */
async function expectStreamedInBoundedMemory(format: ImageFormat, head: Uint8Array, body: Part[], tail: Uint8Array, sample: Uint8Array) {
  const model = await stripMetadata(concat([head, sample, tail]), format);
  if (!model.ok) throw new Error(model.message);
  const sampleAt = indexOf(model.bytes, sample);
  const strippedHead = model.bytes.subarray(0, sampleAt);
  const strippedTail = model.bytes.subarray(sampleAt + sample.length);
  const file = new VirtualFile([held(head), ...body, held(tail)]);
  const expected = new VirtualFile([held(strippedHead), ...body, held(strippedTail)]);
  expect(file.size).toBeGreaterThan(99 * MiB);
  expect(model.removed).toContain("GPS location");

  const reader = new MeasuringReader(file, (output) => output + head.length - strippedHead.length);
  const stripped = await stripMetadataStream({ size: file.size, read: reader.read }, format);
  if (!stripped.ok) throw new Error(stripped.message);
  expect({ length: stripped.length, removed: stripped.removed }).toEqual({ length: expected.size, removed: model.removed });
  let largestPiece = 0;
  const sha256 = await sha256Of(stripped.stream, (piece) => {
    largestPiece = Math.max(largestPiece, piece.length);
    reader.delivered += piece.length;
  });
  expect(reader.delivered).toBe(expected.size);
  expect(sha256).toBe(await sha256Of(piecesOf(expected)));
  expect(reader.largestRead).toBeLessThanOrEqual(MiB);
  expect(largestPiece).toBeLessThanOrEqual(MiB);
  // In flight: the block being read, a piece queued in the stripped stream, one being hashed and handed over.
  expect(reader.mostAhead).toBeLessThanOrEqual(4 * MiB);
  expect(reader.bytesRead).toBeLessThanOrEqual(2 * file.size); // a planning pass, then the streaming one
}

describe("stripMetadataStream holds a few MiB of a 100 MiB file, never the file (issue 22, item 2)", () => {
  it("streams a 100 MiB JPEG (EXIF with GPS, XMP, IPTC, comment, then a 100 MiB scan) through 1 MiB reads", async () => {
    const model = makeJpegWithMetadata(64, 48, { exif: exifTiff({ orientation: 6 }) });
    let sos = 2;
    while (model[sos + 1] !== 0xda) sos += 2 + ((model[sos + 2] << 8) | model[sos + 3]);
    const head = model.subarray(0, sos + 2 + ((model[sos + 2] << 8) | model[sos + 3]));
    const tile = scanTile();
    const eoi = new Uint8Array([0xff, 0xd9]);
    await expectStreamedInBoundedMemory("jpeg", head, [generated(fileSize - head.length - eoi.length, tile)], eoi, tile);
  });

  it("streams a 100 MiB PNG (EXIF, text and XMP up front, 100 MiB of IDAT chunks, text after them) through 1 MiB reads", async () => {
    const model = await makePngWithMetadata(16, 16, { exif: exifTiff({ orientation: 6 }) });
    let idat = 8;
    while (new TextDecoder().decode(model.subarray(idat + 4, idat + 8)) !== "IDAT") idat += 12 + new DataView(model.buffer).getUint32(idat);
    const head = model.subarray(0, idat);
    const tail = concat([pngChunk("tEXt", ascii("Comment\0written after the pixels, where I was")), pngChunk("tIME", new Uint8Array(7)), pngChunk("IEND", new Uint8Array())]);
    const tile = crypto.getRandomValues(new Uint8Array(65536));
    // IDAT data is not deflate here: the stripper never reads it, and its CRCs are not checked either.
    const idatChunk = (length: number): Part[] => [held(concat([u32be(length), ascii("IDAT")])), generated(length, tile), held(u32be(length))];
    const body: Part[] = [];
    const lengths = [65536, 8192, 300_000, MiB + 7, 30 * MiB + 1];
    for (let total = head.length + tail.length, i = 0; ; i++) {
      const length = lengths[i % lengths.length] === 30 * MiB + 1 && i > lengths.length ? 65536 : lengths[i % lengths.length];
      if (total + 12 + length > fileSize) break;
      body.push(...idatChunk(length));
      total += 12 + length;
    }
    await expectStreamedInBoundedMemory("png", head, body, tail, concat([u32be(4096), ascii("IDAT"), tile.subarray(0, 4096), u32be(4096)]));
  });
});
