import { describe, expect, it } from "vitest";
import { ascii, concat, randomBytes, u32be, u32le } from "../test/bytes";
import { makeHeifWithMetadata, xmpPacket } from "../test/heif-images";
import { exifToolTags, fixture, privateTags } from "../test/image-check";
import {
  exifTiff, isoBox, makeAvif, makeGif, makeHeic, makeJpeg, makeJpegWithMetadata, makePng, makePngWithMetadata, makeTurnedHeic,
  makeWebp, makeWebpWithMetadata, pngChunk, riffChunk,
} from "../test/images";
import { jpegSegment } from "../test/jpeg-encoder";
import {
  makeGifWithMetadata, makeJpegWithOddExifHeader, makeJpegWithThumbnails, makeJpegWithTrailingPreview, makePngWithOddChunks,
} from "../test/metadata-images";
import type { ImageFormat } from "./sniff";
import { stripMetadataInOnePass, stripMetadataStream } from "./strip-stream";
import { collect, onePassStrip, plannedStrip, rangedOver, streamOf, wholeStrip } from "./stream-test-helpers";

const phoneExif = exifTiff({ orientation: 6 });
const onePassFormats = new Set<ImageFormat>(["jpeg", "png", "gif"]);

/** Streamed at several read sizes (1 byte up), and in one pass where the format allows, all equal to stripMetadata of the bytes in memory. */
async function expectStreamedAsWhole(bytes: Uint8Array, format: ImageFormat) {
  const whole = await wholeStrip(bytes, format);
  for (const blockSize of [1, 7, 512, undefined]) {
    expect(await plannedStrip(rangedOver(bytes), format, blockSize), `read size ${blockSize ?? "default"}`).toEqual(whole);
  }
  if (!onePassFormats.has(format)) return whole;
  for (const pieces of [[1], [3, 1000], [65536]]) expect(await onePassStrip(bytes, format, pieces), `stream pieces ${pieces}`).toEqual(whole);
  return whole;
}

/** strip-allow-list.test.ts's JPEG with unknown segments and a second EXIF, before the scan and between scans. */
function jpegWithSegmentsBetweenScans() {
  const jpeg = makeJpeg(16, 16, [1, 2, 3]);
  const afterJfif = 4 + ((jpeg[4] << 8) | jpeg[5]);
  const eoi = jpeg.length - 2;
  return concat([
    jpeg.subarray(0, afterJfif),
    jpegSegment(0xe1, concat([ascii("Exif\0\0"), exifTiff({ orientation: 3, gps: false })])),
    jpegSegment(0xe1, concat([ascii("Exif\0\0"), exifTiff({})])),
    jpegSegment(0xe3, ascii("Meta: somewhere")),
    jpeg.subarray(afterJfif, eoi),
    jpegSegment(0xfe, ascii("a comment between scans")),
    jpeg.subarray(eoi),
  ]);
}

async function pngWithKeptAndUnknownChunks() {
  const png = await makePng(8, 8, [4, 5, 6]);
  const kept = [pngChunk("gAMA", u32be(45455)), pngChunk("tRNS", new Uint8Array([0, 1, 0, 2, 0, 3])), pngChunk("acTL", concat([u32be(1), u32be(0)]))];
  return concat([png.subarray(0, 33), ...kept, pngChunk("tIME", new Uint8Array(7)), pngChunk("GPSX", ascii("52.52,13.40")), png.subarray(33)]);
}

function animatedWebpWithNotes() {
  const frame = concat([new Uint8Array(16), riffChunk("VP8L", randomBytes(11)), riffChunk("XYZW", ascii("in-frame note"))]);
  const body = concat([
    ascii("WEBP"), riffChunk("VP8X", concat([new Uint8Array([0x02, 0, 0, 0]), new Uint8Array([7, 0, 0, 7, 0, 0])])),
    riffChunk("ANIM", new Uint8Array(6)), riffChunk("ANMF", frame), riffChunk("ANMF", frame.subarray(0, 16 + 20)), riffChunk("NOTE", ascii("where I was")),
  ]);
  return concat([ascii("RIFF"), u32le(body.length), body]);
}

function simpleWebpWithExif() {
  const body = concat([makeWebp(8, 8, "vp8l").subarray(8), riffChunk("EXIF", exifTiff({ orientation: 6 })), riffChunk("EXIF", exifTiff({}))]);
  return concat([ascii("RIFF"), u32le(body.length), body]);
}

function heifWithTrailingXmpAndMovie() {
  const { bytes: heic } = makeHeifWithMetadata(40, 30, { exif: exifTiff({}), thumbnail: true });
  const xmpUuid = new Uint8Array([0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac]);
  const times = concat([u32be(0xe0000000), u32be(0xe0000001)]);
  const udta = isoBox("udta", ascii("+52.5201+013.4049/"));
  const moov = isoBox("moov", isoBox("mvhd", new Uint8Array(4), times, new Uint8Array(92)), isoBox("trak", isoBox("tkhd", new Uint8Array(4), times, new Uint8Array(72)), udta));
  return concat([heic, isoBox("uuid", xmpUuid, ascii(xmpPacket("Jane Q. Public"))), moov, isoBox("skip", new Uint8Array(3))]);
}

/** The same file with mdat moved in front of meta, its iloc offsets (v1, 32-bit, one extent each) moved with it. */
function heifWithMdatFirst(format: "heic" | "avif") {
  const { bytes } = makeHeifWithMetadata(40, 30, { format, exif: exifTiff({ orientation: 6 }), xmp: xmpPacket("Jane"), thumbnail: true });
  const view = new DataView(bytes.buffer);
  const ftypEnd = view.getUint32(0);
  const metaEnd = ftypEnd + view.getUint32(ftypEnd);
  const meta = bytes.slice(ftypEnd, metaEnd);
  const metaView = new DataView(meta.buffer);
  const iloc = new TextDecoder("latin1").decode(meta).indexOf("iloc") + 4;
  const count = metaView.getUint16(iloc + 6);
  for (let i = 0, entry = iloc + 8; i < count; i++, entry += 16) {
    if (metaView.getUint16(entry + 2) === 0) metaView.setUint32(entry + 8, metaView.getUint32(entry + 8) - meta.length);
  }
  return concat([bytes.subarray(0, ftypEnd), bytes.subarray(metaEnd), meta]);
}

const images: (readonly [string, ImageFormat, () => Uint8Array | Promise<Uint8Array>])[] = [
  ["a JPEG with EXIF (GPS, orientation 6), XMP, extended XMP, IPTC, a comment, ICC and Adobe", "jpeg", () => makeJpegWithMetadata(64, 48, { exif: phoneExif })],
  ["a JPEG with little-endian EXIF, orientation 8", "jpeg", () => makeJpegWithMetadata(8, 8, { exif: exifTiff({ orientation: 8, littleEndian: true }) })],
  ...[1, undefined, 9].map((orientation) => [`a JPEG with EXIF orientation ${orientation}`, "jpeg", () => makeJpegWithMetadata(8, 8, { exif: exifTiff({ orientation }) })] as const),
  ["a JPEG with an unreadable EXIF", "jpeg", () => makeJpegWithMetadata(8, 8, { exif: randomBytes(40), xmp: false, iptc: false, comment: false })],
  ["a plain JPEG", "jpeg", () => makeJpeg(64, 48, [1, 2, 3])],
  ["a JPEG with JFIF and JFXX thumbnails", "jpeg", () => makeJpegWithThumbnails(32, 24)],
  ['a JPEG whose EXIF starts "Exif\\0\\xff"', "jpeg", () => makeJpegWithOddExifHeader(32, 24, phoneExif)],
  ["a JPEG followed by an MPF preview", "jpeg", () => makeJpegWithTrailingPreview(24, 16)],
  ["a JPEG with segments between scans", "jpeg", jpegWithSegmentsBetweenScans],
  ["a JPEG with fill bytes and zero padding after EOI", "jpeg", () => { const jpeg = makeJpegWithMetadata(8, 8, { exif: phoneExif }); return concat([jpeg.subarray(0, 2), new Uint8Array(5).fill(0xff), jpeg.subarray(2), new Uint8Array(4)]); }],
  ["a PNG with eXIf, tEXt, zTXt and XMP iTXt", "png", () => makePngWithMetadata(20, 10, { exif: phoneExif })],
  ["a PNG with an eXIf without orientation", "png", () => makePngWithMetadata(4, 4, { exif: exifTiff(), text: false })],
  ["a PNG whose eXIf kept JPEG's header", "png", () => makePngWithMetadata(4, 4, { exif: concat([ascii("Exif\0\0"), phoneExif]), text: false })],
  ["a plain PNG", "png", () => makePng(8, 8, [1, 2, 3])],
  ...["exIf", "EXIF", "eXIF"].map((spelling) => [`a PNG with an ${spelling} chunk and tXMP`, "png", () => makePngWithOddChunks(16, 16, spelling, exifTiff({ orientation: 8 }), "<x:xmpmeta>Jane</x:xmpmeta>")] as const),
  ["a PNG with colour, animation, tIME and unknown chunks", "png", pngWithKeptAndUnknownChunks],
  ["an extended WebP with EXIF and XMP", "webp", () => makeWebpWithMetadata(40, 30, { exif: phoneExif })],
  ["a WebP with EXIF orientation 1", "webp", () => makeWebpWithMetadata(40, 30, { exif: exifTiff({ orientation: 1 }) })],
  ["a WebP whose EXIF kept JPEG's header", "webp", () => makeWebpWithMetadata(4, 4, { exif: concat([ascii("Exif\0\0"), exifTiff({ orientation: 3, littleEndian: true })]) })],
  ...(["vp8", "vp8l"] as const).map((kind) => [`a plain ${kind} WebP`, "webp", () => makeWebp(8, 8, kind)] as const),
  ["an animated WebP with notes in and between frames", "webp", animatedWebpWithNotes],
  ["a simple WebP with two EXIF chunks", "webp", simpleWebpWithExif],
  ["a GIF with XMP, a comment, plain text and application data", "gif", () => makeGifWithMetadata(8, 8, { comment: "742 Evergreen Terrace", xmpCreator: "Jane Q. Public" }).bytes],
  ["a plain GIF", "gif", () => makeGif(16, 16)],
  ...(["heic", "avif"] as const).map((format) => [`a ${format} with Exif, XMP and thumbnail items and irot`, format, () => makeHeifWithMetadata(64, 48, { format, exif: phoneExif, xmp: xmpPacket("Jane Q. Public"), thumbnail: true, irot: 1 }).bytes] as const),
  ["a HEIC with its Exif item in idat", "heic", () => makeHeifWithMetadata(40, 30, { exif: exifTiff({}), exifInIdat: true }).bytes],
  ["a HEIC with a uuid XMP box, a movie with udta and a skip box", "heic", heifWithTrailingXmpAndMovie],
  ...(["heic", "avif"] as const).map((format) => [`a ${format} whose mdat comes before meta`, format, () => heifWithMdatFirst(format)] as const),
  ["a turned HEIC", "heic", () => makeTurnedHeic(400, 300, { irot: 3, imir: 1 })],
  ["a plain HEIC and AVIF", "heic", () => makeHeic(64, 48)],
  ["a plain AVIF", "avif", () => makeAvif(64, 48)],
];

describe("stripMetadataStream: the bytes and removed list of the bytes stripped in memory (issue 22, item 2)", () => {
  it.each(images)("for %s", async (_name, format, make) => {
    const whole = await expectStreamedAsWhole(await make(), format);
    expect(whole.ok).toBe(true);
  });

  it.each(["photo.jpg", "photo.png", "photo.webp", "photo.gif", "photo.heic", "photo.avif"])("for %s, a real encoder's file tagged by ExifTool, leaving nothing ExifTool calls private", async (name) => {
    const input = await fixture(name);
    const format = ({ jpg: "jpeg", png: "png", webp: "webp", gif: "gif", heic: "heic", avif: "avif" } as const)[name.split(".")[1] as "jpg"];
    const whole = await expectStreamedAsWhole(input, format);
    if (!whole.ok) throw new Error(whole.message);
    expect(privateTags(await exifToolTags(whole.bytes))).toEqual([]);
  });

  it.each([
    ["a JPEG segment shorter than its length field", "jpeg", () => concat([makeJpegWithMetadata(8, 8, { exif: phoneExif }).subarray(0, 20), new Uint8Array([0xff, 0xe1, 0, 1])])],
    ["a JPEG that ends inside its scan", "jpeg", () => makeJpegWithMetadata(8, 8, { exif: phoneExif }).subarray(0, -2)],
    ["a PNG chunk claiming 4 GB", "png", () => concat([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), u32be(0xffffffff), ascii("tEXt"), randomBytes(20)])],
    ["a PNG without IEND", "png", async () => (await makePngWithMetadata(8, 8, { exif: phoneExif })).subarray(0, -12)],
    ["a WebP chunk overrunning the RIFF", "webp", () => { const webp = makeWebpWithMetadata(8, 8, { exif: phoneExif }); webp.set([0xff, 0xff], 34); return webp; }],
    ["a GIF without its trailer", "gif", () => makeGifWithMetadata(8, 8, { comment: "c", xmpCreator: "x" }).bytes.subarray(0, -1)],
    ["a HEIC whose last box overruns the file", "heic", () => makeHeifWithMetadata(16, 16, { exif: exifTiff({}) }).bytes.subarray(0, -3)],
  ] as const)("refuses %s, as stripMetadata does, before writing a byte", async (_name, format, make) => {
    const bytes = await make();
    const whole = await wholeStrip(bytes, format);
    expect(whole.ok).toBe(false);
    expect(await stripMetadataStream(rangedOver(bytes), format)).toEqual(whole);
    if (onePassFormats.has(format)) expect(await onePassStrip(bytes, format, [5])).toEqual(whole);
  });
});

describe("stripMetadataStream over ranged reads: where it differs from the bytes in memory, by design", () => {
  it("refuses an EXIF chunk over 1 MiB, which it would have to hold whole (held in memory, it is stripped)", async () => {
    const png = await makePng(8, 8, [1, 2, 3]);
    const hugeExif = concat([exifTiff({ orientation: 6 }), new Uint8Array(1024 * 1024)]);
    const bytes = concat([png.subarray(0, 33), pngChunk("eXIf", hugeExif), png.subarray(33)]);
    expect((await wholeStrip(bytes, "png")).ok).toBe(true);
    expect(await stripMetadataStream(rangedOver(bytes), "png")).toEqual({ ok: false, message: expect.stringMatching(/metadata block too large to strip while streaming/) });
  });

  it.each(["webp", "heic", "avif"] as const)("refuses a %s in one pass: what goes first depends on what comes after", async (format) => {
    expect(stripMetadataInOnePass(streamOf(new Uint8Array(32), [32]), 32, format)).toMatchObject({ ok: false, message: expect.stringMatching(/ranged reads/) });
  });

  it.each([
    ["a JPEG whose comment turned into a table segment", "jpeg", () => {
      const before = makeJpegWithMetadata(16, 16, { exif: phoneExif });
      const after = before.slice();
      after[new TextDecoder("latin1").decode(before).indexOf("shot from my bedroom") - 3] = 0xdb; // now kept
      return [before, after];
    }],
    ["a HEIC whose meta changed", "heic", () => {
      const before = makeHeifWithMetadata(16, 16, { exif: phoneExif, xmp: xmpPacket("Jane") }).bytes;
      const after = before.slice();
      after[new TextDecoder("latin1").decode(before).indexOf("pict")] = 0x50;
      return [before, after];
    }],
  ] as const)("errors the stream, rather than ending it, when the object changed after the plan: %s", async (_name, format, make) => {
    const [before, after] = make();
    let reads = 0;
    const planned = await stripMetadataStream({ size: before.length, read: async (offset, length) => (reads++ === 0 ? before : after).slice(offset, offset + length) }, format);
    if (!planned.ok) throw new Error(planned.message);
    await expect(collect(planned.stream)).rejects.toThrow(/changed while its metadata was being stripped/);
  });

  it("errors the stream when a read fails, and lets a one-pass caller tell that from a refusal", async () => {
    const bytes = makeJpegWithMetadata(16, 16, { exif: phoneExif });
    let reads = 0;
    const planned = await stripMetadataStream({ size: bytes.length, read: async (offset, length) => { if (reads++ > 0) throw new Error("S3 503"); return bytes.slice(offset, offset + length); } }, "jpeg");
    if (!planned.ok) throw new Error(planned.message);
    await expect(collect(planned.stream)).rejects.toThrow("S3 503");
    const onePass = stripMetadataInOnePass(streamOf(bytes, [100]), bytes.length + 10, "jpeg");
    if (!onePass.ok) throw new Error(onePass.message);
    await expect(collect(onePass.stream)).rejects.toThrow(/ended after/);
    await expect(onePass.outcome).rejects.toThrow(/ended after/);
  });
});
