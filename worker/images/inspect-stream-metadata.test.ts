import { describe, expect, it } from "vitest";
import { ascii, concat, randomBytes, u32be, u32le } from "../test/bytes";
import { makeHeifWithMetadata, xmpPacket } from "../test/heif-images";
import { fixture } from "../test/image-check";
import {
  type ExifOptions, avifWithBrands, exifTiff, isoBox, makeJpeg, makeJpegWithMetadata, makePng, makePngWithMetadata, makeTurnedHeic, makeWebp, makeWebpWithMetadata, pngChunk,
  riffChunk,
} from "../test/images";
import { jpegSegment } from "../test/jpeg-encoder";
import { makeGifWithMetadata, makeJpegWithOddExifHeader, makeJpegWithThumbnails, makeJpegWithTrailingPreview, makePngWithOddChunks } from "../test/metadata-images";
import { inspectImage } from "./inspect-stream";
import { expectInspectedAsWhole, testNow, withMetaLast } from "./inspect-test-helpers";
import type { ImageFormat } from "./sniff";
import { stripMetadata } from "./strip-stream";
import { maxHeldBlock } from "./stream-output";
import { rangedOver } from "./stream-test-helpers";
import { maxHeldBox } from "./strip-heif-stream";

/** orientation.test.ts's and capture-time.test.ts's images (orientation, size as shown, capture time), over ranged reads. */

type Make = () => Uint8Array | Promise<Uint8Array>;

const xmpWith = (properties: string) =>
  `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description ${properties}/></rdf:RDF></x:xmpmeta>`;
const xmpElement = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description><exif:DateTimeOriginal>2018-01-02T03:04:05</exif:DateTimeOriginal></rdf:Description></x:xmpmeta>`;

function jpegWithXmp(xmp: string) {
  const jpeg = makeJpeg(16, 16, [10, 20, 30]);
  const afterJfif = 4 + ((jpeg[4] << 8) | jpeg[5]);
  return concat([jpeg.subarray(0, afterJfif), jpegSegment(0xe1, concat([ascii("http://ns.adobe.com/xap/1.0/\0"), ascii(xmp)])), jpeg.subarray(afterJfif)]);
}

function jpegWith(dates: ExifOptions["dates"], xmpProperties: string) {
  const jpeg = makeJpegWithMetadata(16, 16, { exif: exifTiff({ dates }), xmp: false, iptc: false, comment: false });
  const afterJfif = 4 + ((jpeg[4] << 8) | jpeg[5]);
  return concat([jpeg.subarray(0, afterJfif), jpegSegment(0xe1, concat([ascii("http://ns.adobe.com/xap/1.0/\0"), ascii(xmpWith(xmpProperties))])), jpeg.subarray(afterJfif)]);
}

const jpegDated = (dates: ExifOptions["dates"]) => () => makeJpegWithMetadata(16, 16, { exif: exifTiff({ dates }), xmp: false });
const pngWith = (chunk: Uint8Array) => async () => { const png = await makePng(30, 20, [1, 2, 3]); return concat([png.subarray(0, 33), chunk, png.subarray(33)]); };
const webpWith = (chunk: Uint8Array) => () => { const webp = makeWebpWithMetadata(8, 8, { xmp: false }); const body = concat([webp.subarray(8), chunk]); return concat([ascii("RIFF"), u32le(body.length), body]); };
const datedExif = exifTiff({ dates: { original: "2019:07:20 20:17:40" } });

const turnedAndDated: [string, Make][] = [
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((orientation) => [`a JPEG with EXIF orientation ${orientation}`, () => makeJpegWithMetadata(60, 40, { exif: exifTiff({ orientation, littleEndian: orientation % 2 === 0 }) })] as [string, Make]),
  ['a JPEG whose EXIF header pad byte is 0xff', () => makeJpegWithOddExifHeader(60, 40, exifTiff({ orientation: 7 }))],
  ["a JPEG with EXIF orientation 9", () => makeJpegWithMetadata(30, 20, { exif: exifTiff({ orientation: 9 }) })],
  ["a JPEG with an unreadable EXIF", () => makeJpegWithMetadata(8, 8, { exif: randomBytes(40), xmp: false, iptc: false, comment: false })],
  ["a JPEG with JFIF and JFXX thumbnails", () => makeJpegWithThumbnails(32, 24)],
  ["a JPEG followed by an MPF preview with its own EXIF", () => makeJpegWithTrailingPreview(24, 16)],
  ["a PNG with eXIf 8", () => makePngWithMetadata(30, 20, { exif: exifTiff({ orientation: 8 }) })],
  ["a PNG with an EXIF chunk", pngWith(pngChunk("EXIF", exifTiff({ orientation: 6 })))],
  ["a PNG whose eXIf kept JPEG's header", () => makePngWithMetadata(4, 4, { exif: concat([ascii("Exif\0\0"), exifTiff({ orientation: 5 })]), text: false })],
  ...["exIf", "EXIF", "eXIF"].map((spelling) => [`a PNG with an ${spelling} chunk and tXMP`, () => makePngWithOddChunks(16, 16, spelling, exifTiff({ orientation: 8 }), "<x:xmpmeta>Jane</x:xmpmeta>")] as [string, Make]),
  ["a plain PNG", () => makePng(30, 20, [1, 2, 3])],
  ["a WebP with EXIF 6", () => makeWebpWithMetadata(30, 20, { exif: exifTiff({ orientation: 6 }) })],
  ["a WebP whose EXIF kept JPEG's header", () => makeWebpWithMetadata(4, 4, { exif: concat([ascii("Exif\0\0"), exifTiff({ orientation: 3, littleEndian: true })]) })],
  ["a simple WebP with two EXIF chunks", () => { const body = concat([makeWebp(8, 8, "vp8l").subarray(8), riffChunk("EXIF", exifTiff({ orientation: 6 })), riffChunk("EXIF", exifTiff({}))]); return concat([ascii("RIFF"), u32le(body.length), body]); }],
  ...[{ irot: 1 }, { irot: 2 }, { irot: 3 }, { imir: 1 as const }, { imir: 0 as const }, { irot: 1, imir: 1 as const }, { irot: 3, imir: 1 as const }].map(
    (transform) => [`a HEIC turned ${JSON.stringify(transform)}`, () => makeTurnedHeic(400, 300, transform)] as [string, Make],
  ),
  ["a HEIC with irot beside an Exif item saying 6", () => makeHeifWithMetadata(40, 30, { irot: 1, exif: exifTiff({ orientation: 6 }) }).bytes],
  ...(["heic", "avif"] as const).map((format) => [`a ${format} with Exif, XMP and thumbnail items`, () => makeHeifWithMetadata(64, 48, { format, exif: datedExif, xmp: xmpPacket("Jane"), thumbnail: true, irot: 1 }).bytes] as [string, Make]),
  ["a HEIC with its Exif item in idat", () => makeHeifWithMetadata(16, 16, { exif: datedExif, exifInIdat: true }).bytes],
  ["a HEIC with an XMP item written as elements", () => makeHeifWithMetadata(16, 16, { xmp: xmpElement }).bytes],
  ["a GIF with XMP and a comment", () => makeGifWithMetadata(8, 8, { comment: "742 Evergreen Terrace", xmpCreator: "Jane" }).bytes],
  ...[false, true].map((littleEndian) => [`a JPEG with DateTimeOriginal and its offset (little-endian: ${littleEndian})`, () => makeJpegWithMetadata(16, 16, { exif: exifTiff({ littleEndian, dates: { original: "2023:12:31 23:59:58", offsetOriginal: "-05:30", digitized: "2024:01:01 00:00:00" } }), xmp: false })] as [string, Make]),
  ["a JPEG with CreateDate and DateTime", jpegDated({ digitized: "2020:02:29 10:00:00", modified: "2021:01:01 00:00:00" })],
  ["a JPEG with DateTime only", jpegDated({ modified: "2021:03:04 05:06:07" })],
  ["a PNG with a dated eXIf", () => makePngWithMetadata(16, 16, { exif: datedExif })],
  ["a WebP with a dated EXIF", () => makeWebpWithMetadata(16, 16, { exif: datedExif })],
  ...['exif:DateTimeOriginal="2022-08-09T10:11:12.345+02:00"', 'photoshop:DateCreated="2022-08-09"', 'xmp:CreateDate="2022-08-09T10:11Z"'].map(
    (properties) => [`a JPEG with XMP ${properties}`, () => jpegWithXmp(xmpWith(properties))] as [string, Make],
  ),
  ["a PNG with XMP in iTXt", pngWith(pngChunk("iTXt", concat([ascii("XML:com.adobe.xmp\0\0\0\0\0"), ascii(xmpElement)])))],
  ["a PNG with compressed XMP in iTXt", pngWith(pngChunk("iTXt", concat([ascii("XML:com.adobe.xmp\0\x01\0en\0\0"), ascii(xmpElement)])))],
  ["a PNG with an iTXt shorter than XMP's keyword", pngWith(pngChunk("iTXt", ascii("XML:")))],
  ["a WebP with an XMP chunk", webpWith(riffChunk("XMP ", ascii(xmpElement)))],
  ["a JPEG with EXIF and XMP dates", () => jpegWith({ original: "2010:10:10 10:10:10" }, 'exif:DateTimeOriginal="2012-12-12T12:12:12"')],
  ["a JPEG with EXIF CreateDate and an XMP original", () => jpegWith({ digitized: "2011:11:11 11:11:11" }, 'exif:DateTimeOriginal="2012-12-12T12:12:12"')],
  ...["0000:00:00 00:00:00", "1899:12:31 23:59:59", "2026:06:03 12:00:00", "2024:02:31 10:00:00", "garbage"].map(
    (value) => [`a JPEG whose DateTimeOriginal is ${value}`, jpegDated({ original: value, modified: "2001:01:01 01:01:01" })] as [string, Make],
  ),
  ["a JPEG dated a day ahead in local time", jpegDated({ original: "2026:06:02 08:00:00" })],
  ["a JPEG whose offset time is 28 h ahead", jpegDated({ original: "2026:06:02 14:00:00", offsetOriginal: "-02:00" })],
  ["a JPEG whose offset is out of range", jpegDated({ original: "2024:05:06 07:08:09", offsetOriginal: "+15:00" })],
];

const fixtureFormats: Record<string, ImageFormat> = { jpg: "jpeg", png: "png", webp: "webp", gif: "gif", heic: "heic", avif: "avif" };

describe("inspectImage over ranged reads: orientation, size as shown and capture time as read from the bytes in memory", () => {
  it.each(turnedAndDated)("for %s", async (_name, make) => {
    expect((await expectInspectedAsWhole(await make())).ok).toBe(true);
  });

  it.each(Object.keys(fixtureFormats))("for photo.%s, a real encoder's file tagged by ExifTool, and for it stripped", async (extension) => {
    const bytes = await fixture(`photo.${extension}`);
    const whole = await expectInspectedAsWhole(bytes);
    if (!whole.ok) throw new Error(whole.message);
    if (extension !== "gif") expect(whole.image.capturedAt?.local.toISOString()).toBe("2024-05-06T07:08:09.000Z");
    const stripped = await stripMetadata(bytes, fixtureFormats[extension]);
    if (!stripped.ok) throw new Error(stripped.message);
    await expectInspectedAsWhole(stripped.bytes);
  });
});

/** makeHeifWithMetadata with meta last and grown past `size` by a `free` box inside it. */
function heifWithMetaOver(size: number) {
  const heif = withMetaLast(makeHeifWithMetadata(40, 30, { exif: exifTiff({ orientation: 6 }) }).bytes);
  const view = new DataView(heif.buffer);
  let at = 0;
  while (new TextDecoder("latin1").decode(heif.subarray(at + 4, at + 8)) !== "meta") at += view.getUint32(at);
  const free = concat([u32be(size), ascii("free"), new Uint8Array(size - 8)]);
  const grown = concat([heif, free]);
  new DataView(grown.buffer).setUint32(at, heif.length - at + free.length);
  return grown;
}

describe("inspectImage over ranged reads: where it differs from the bytes in memory, by design", () => {
  const bigExif = concat([exifTiff({ orientation: 6 }), new Uint8Array(maxHeldBlock)]);
  it.each([
    ["a PNG whose EXIF chunk is over 1 MiB", pngWith(pngChunk("eXIf", bigExif))],
    ["a WebP whose EXIF chunk is over 1 MiB", () => makeWebpWithMetadata(8, 8, { exif: bigExif })],
    ["a HEIC whose meta is over 4 MiB", () => heifWithMetaOver(maxHeldBox)],
    ["an AVIF whose ftyp is over 1 MiB", () => concat([isoBox("ftyp", ascii("avif"), u32be(0), new Uint8Array(maxHeldBlock).fill(0x61)), avifWithBrands("avif", []).subarray(16)])],
  ] as [string, Make][])("refuses %s, a block the stripper would not hold either, as unsupported (held in memory, it is read)", async (_name, make) => {
    const bytes = await make();
    expect((await inspectImage(bytes, testNow)).ok).toBe(true);
    expect(await inspectImage(rangedOver(bytes), testNow)).toEqual({ ok: false, reason: "unsupported", message: expect.stringMatching(/^This (PNG|WebP|HEIC|file) .* too large to read while streaming \(over [14] MiB\)\.$/) });
  });

  it("still gives the in-memory refusal for such a file that does not add up", async () => {
    const png = await pngWith(pngChunk("eXIf", bigExif))();
    await expectInspectedAsWhole(png.subarray(0, -1), testNow, [undefined]);
    await expectInspectedAsWhole(concat([png, new Uint8Array([1])]), testNow, [undefined]);
  });

  it("rejects when a read fails, rather than answer for a file it has not read", async () => {
    const bytes = makeJpegWithMetadata(16, 16, { exif: exifTiff({ orientation: 6 }) });
    let reads = 0;
    const object = { size: bytes.length, read: async (offset: number, length: number) => (reads++ > 0 ? Promise.reject(new Error("S3 503")) : bytes.slice(offset, offset + length)) };
    await expect(inspectImage(object, testNow, { blockSize: 64 })).rejects.toThrow("S3 503");
  });
});
