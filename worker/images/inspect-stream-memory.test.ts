import { describe, expect, it } from "vitest";
import { ascii, concat, u32be, u32le } from "../test/bytes";
import { makeHeifWithMetadata, xmpPacket } from "../test/heif-images";
import { exifTiff, makeJpeg, makeJpegWithMetadata, makePngWithMetadata, makeWebpWithMetadata, pngChunk } from "../test/images";
import { inspectImage } from "./inspect-stream";
import { testNow, withMetaLast } from "./inspect-test-helpers";
import { type Part, VirtualFile, generated, held, scanTile } from "./stream-test-helpers";

const MiB = 1024 * 1024;
const fileSize = 100 * MiB;
const exif = exifTiff({ orientation: 6, dates: { original: "2024:05:06 07:08:09", offsetOriginal: "+02:00" } });

/**
 * Hands out what is asked and keeps count. Each block is detached (its memory taken
 * back) three reads after it was handed out, so an inspector that kept one and read
 * it again would find it empty: it may only hold what it copied out.
 */
class CountingReader {
  reads = 0;
  largestRead = 0;
  bytesRead = 0;
  private readonly handedOut: Uint8Array[] = [];

  constructor(private readonly file: VirtualFile) {}

  readonly read = async (offset: number, length: number) => {
    this.reads++;
    this.largestRead = Math.max(this.largestRead, length);
    this.bytesRead += length;
    const block = this.file.read(offset, length);
    this.handedOut.push(block);
    const old = this.handedOut.length > 3 ? this.handedOut.shift() : undefined;
    if (old) structuredClone(old.buffer, { transfer: [old.buffer] });
    return block;
  };
}

/**
 * The big file made of `parts`; `model` is the same file with its bulk (scan data,
 * IDAT, mdat) cut to a sample, held in memory: its answer is the one.
 */
async function inspectBig(parts: Part[], model: Uint8Array, blockSize?: number) {
  const file = new VirtualFile(parts);
  expect(file.size).toBeGreaterThan(99 * MiB);
  const expected = await inspectImage(model, testNow);
  expect(expected.ok).toBe(true);
  const reader = new CountingReader(file);
  expect(await inspectImage({ size: file.size, read: reader.read }, testNow, { blockSize })).toStrictEqual(expected);
  return reader;
}

/** A JPEG's bytes up to the end of its first SOS header, and its EOI. */
function jpegAroundScan(jpeg: Uint8Array) {
  let sos = 2;
  while (jpeg[sos + 1] !== 0xda) sos += 2 + ((jpeg[sos + 2] << 8) | jpeg[sos + 3]);
  return { head: jpeg.subarray(0, sos + 2 + ((jpeg[sos + 2] << 8) | jpeg[sos + 3])), eoi: new Uint8Array([0xff, 0xd9]) };
}

describe("inspectImage holds a few MiB of a 100 MiB file, never the file (issue 22)", () => {
  it.each([undefined, MiB])("reads a 100 MiB JPEG (EXIF, XMP, IPTC, a 100 MiB scan, an appended preview) once, front to back, in reads of %s bytes", async (blockSize) => {
    const { head, eoi } = jpegAroundScan(makeJpegWithMetadata(64, 48, { exif }));
    const preview = makeJpeg(16, 16, [1, 2, 3]);
    const tile = scanTile();
    const scan = fileSize - head.length - eoi.length - preview.length;
    const reader = await inspectBig([held(head), generated(scan, tile), held(eoi), held(preview)], concat([head, tile, eoi, preview]), blockSize);
    const readSize = blockSize ?? 4 * MiB;
    expect(reader.largestRead).toBeLessThanOrEqual(readSize);
    // Every byte once (where a scan ends is known only by reading it), and the first read again for the metadata: it was let go.
    expect(reader.reads).toBeLessThanOrEqual(Math.ceil(fileSize / readSize) + 2);
    expect(reader.bytesRead).toBeLessThanOrEqual(fileSize + 2 * readSize);
  });

  it("reads a 100 MiB PNG of 8 KiB IDAT chunks (as libpng writes them) once, in 4 MiB reads", async () => {
    const model = await makePngWithMetadata(16, 16, { exif });
    const tile = crypto.getRandomValues(new Uint8Array(8192));
    const idat = concat([u32be(tile.length), ascii("IDAT"), tile, u32be(0)]); // IDAT's CRC is not checked
    const head = model.subarray(0, model.length - 12);
    const iend = model.subarray(model.length - 12);
    const count = Math.floor((fileSize - model.length) / idat.length);
    const reader = await inspectBig([held(head), generated(count * idat.length, idat), held(iend)], model);
    expect(reader.largestRead).toBeLessThanOrEqual(4 * MiB);
    expect(reader.reads).toBeLessThanOrEqual(Math.ceil(fileSize / (4 * MiB)) + 2);
  });

  it("reads only the chunk headers of a 100 MiB PNG of 25 MiB IDAT chunks, and text after them", async () => {
    const model = await makePngWithMetadata(16, 16, { exif });
    const head = model.subarray(0, model.length - 12);
    const tail = concat([pngChunk("tEXt", ascii("Comment\0written after the pixels")), model.subarray(model.length - 12)]);
    const tile = crypto.getRandomValues(new Uint8Array(65536));
    const idat = (length: number): Part[] => [held(concat([u32be(length), ascii("IDAT")])), generated(length, tile), held(u32be(0))];
    const big = 25 * MiB;
    const parts = [held(head), ...idat(big), ...idat(big), ...idat(big), ...idat(fileSize - head.length - tail.length - 3 * (big + 12) - 12), held(tail)];
    const reader = await inspectBig(parts, concat([head, tail]));
    expect(reader.reads).toBeLessThanOrEqual(6); // the first read, then one at each chunk header past it
    expect(reader.bytesRead).toBeLessThanOrEqual(6 * 4 * MiB);
  });

  it("reads the chunk headers and metadata of a 100 MiB WebP, skipping its bitstream", async () => {
    const model = makeWebpWithMetadata(64, 48, { exif });
    const bitstream = fileSize - model.length - 8; // an ALPH chunk after VP8X: walked past, never read
    const around = (length: number) => [concat([ascii("RIFF"), u32le(model.length + length), model.subarray(8, 30), ascii("ALPH"), u32le(length)]), model.subarray(30)];
    const [front, back] = around(bitstream);
    const reader = await inspectBig([held(front), generated(bitstream, crypto.getRandomValues(new Uint8Array(4096))), held(back)], concat(around(0)));
    expect(reader.reads).toBeLessThanOrEqual(3);
  });

  it.each([false, true])("reads the box headers, meta and Exif item of a 100 MiB HEIC (meta after mdat: %s)", async (metaLast) => {
    const small = makeHeifWithMetadata(64, 48, { exif, xmp: xmpPacket("Jane"), thumbnail: true, irot: 1 }).bytes;
    const model = metaLast ? withMetaLast(small) : small;
    const view = new DataView(model.buffer);
    const ftypEnd = view.getUint32(0);
    const mdatAt = metaLast ? ftypEnd : ftypEnd + view.getUint32(ftypEnd);
    const mdatEnd = mdatAt + view.getUint32(mdatAt);
    const padding = fileSize - model.length;
    const grownHeader = concat([u32be(mdatEnd - mdatAt + padding), ascii("mdat")]);
    const parts = [held(model.subarray(0, mdatAt)), held(grownHeader), held(model.subarray(mdatAt + 8, mdatEnd)), generated(padding, crypto.getRandomValues(new Uint8Array(4096))), held(model.subarray(mdatEnd))];
    const reader = await inspectBig(parts, model);
    expect(reader.reads).toBeLessThanOrEqual(2); // the first read (ftyp, meta or mdat's start), then the last box header (mdat's end, or meta)
  });
});
