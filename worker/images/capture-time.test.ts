import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ascii, concat, u32le } from "../test/bytes";
import { makeHeifWithMetadata } from "../test/heif-images";
import { fixture } from "../test/image-check";
import { type ExifOptions, exifTiff, makeJpeg, makeJpegWithMetadata, makePng, makePngWithMetadata, makeWebpWithMetadata, pngChunk, riffChunk } from "../test/images";
import { jpegSegment } from "../test/jpeg-encoder";
import { inspectImage } from "./inspect-stream";

const now = new Date("2026-06-01T12:00:00Z");

/** The capture time as the API will show it: local wall clock, and the offset when recorded. */
async function taken(bytes: Uint8Array, at = now) {
  const result = await inspectImage(bytes, at);
  if (!result.ok) throw new Error(result.message);
  const captured = result.image.capturedAt;
  return captured && { local: captured.local.toISOString().slice(0, 19), offsetMinutes: captured.offsetMinutes };
}

const xmpWith = (properties: string) =>
  `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description ${properties}/></rdf:RDF></x:xmpmeta>`;

function jpegWithXmp(xmp: string) {
  const jpeg = makeJpeg(16, 16, [10, 20, 30]);
  const afterJfif = 4 + ((jpeg[4] << 8) | jpeg[5]);
  return concat([jpeg.subarray(0, afterJfif), jpegSegment(0xe1, concat([ascii("http://ns.adobe.com/xap/1.0/\0"), ascii(xmp)])), jpeg.subarray(afterJfif)]);
}

describe("inspectImage: when the photo was taken", () => {
  it.each(["jpg", "png", "webp", "heic", "avif"])("reads DateTimeOriginal from a real %s (ExifTool-written, no offset) as the camera's wall clock", async (ext) => {
    expect(await taken(await fixture(`photo.${ext}`))).toEqual({ local: "2024-05-06T07:08:09", offsetMinutes: undefined });
  });

  it("has no capture time for a file without one", async () => {
    expect(await taken(await makePng(8, 8, [1, 2, 3]))).toBeUndefined();
    expect(await taken(await fixture("photo.gif"))).toBeUndefined();
  });

  it.each([false, true])("reads DateTimeOriginal with OffsetTimeOriginal from the Exif sub-IFD (little-endian: %s)", async (littleEndian) => {
    const exif = exifTiff({ littleEndian, dates: { original: "2023:12:31 23:59:58", offsetOriginal: "-05:30", digitized: "2024:01:01 00:00:00" } });
    expect(await taken(makeJpegWithMetadata(16, 16, { exif, xmp: false }))).toEqual({ local: "2023-12-31T23:59:58", offsetMinutes: -330 });
  });

  it("falls back to CreateDate, then to IFD0 DateTime", async () => {
    expect(await taken(makeJpegWithMetadata(16, 16, { exif: exifTiff({ dates: { digitized: "2020:02:29 10:00:00", modified: "2021:01:01 00:00:00" } }), xmp: false }))).toEqual({
      local: "2020-02-29T10:00:00",
      offsetMinutes: undefined,
    });
    expect((await taken(makeJpegWithMetadata(16, 16, { exif: exifTiff({ dates: { modified: "2021:03:04 05:06:07" } }), xmp: false })))?.local).toBe("2021-03-04T05:06:07");
  });

  it("reads it from a PNG eXIf chunk, a WebP EXIF chunk and a HEIC Exif item stored in idat", async () => {
    const exif = exifTiff({ dates: { original: "2019:07:20 20:17:40" } });
    expect((await taken(await makePngWithMetadata(16, 16, { exif })))?.local).toBe("2019-07-20T20:17:40");
    expect((await taken(makeWebpWithMetadata(16, 16, { exif })))?.local).toBe("2019-07-20T20:17:40");
    expect((await taken(makeHeifWithMetadata(16, 16, { exif, exifInIdat: true }).bytes))?.local).toBe("2019-07-20T20:17:40");
  });

  it.each([
    ["exif:DateTimeOriginal", 'exif:DateTimeOriginal="2022-08-09T10:11:12.345+02:00"', { local: "2022-08-09T10:11:12", offsetMinutes: 120 }],
    ["photoshop:DateCreated (date only)", 'photoshop:DateCreated="2022-08-09"', { local: "2022-08-09T00:00:00", offsetMinutes: undefined }],
    ["xmp:CreateDate in UTC", 'xmp:CreateDate="2022-08-09T10:11Z"', { local: "2022-08-09T10:11:00", offsetMinutes: 0 }],
  ])("reads XMP %s from a JPEG", async (_, properties, expected) => {
    expect(await taken(jpegWithXmp(xmpWith(properties)))).toEqual(expected);
  });

  it("reads XMP written as elements, from PNG iTXt, WebP and a HEIC mime item", async () => {
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description><exif:DateTimeOriginal>2018-01-02T03:04:05</exif:DateTimeOriginal></rdf:Description></x:xmpmeta>`;
    const png = await makePng(8, 8, [1, 2, 3]);
    const pngWithXmp = concat([png.subarray(0, 33), pngChunk("iTXt", concat([ascii("XML:com.adobe.xmp\0\0\0\0\0"), ascii(xmp)])), png.subarray(33)]);
    expect((await taken(pngWithXmp))?.local).toBe("2018-01-02T03:04:05");
    const webp = makeWebpWithMetadata(8, 8, { xmp: false });
    const body = concat([webp.subarray(8), riffChunk("XMP ", ascii(xmp))]);
    expect((await taken(concat([ascii("RIFF"), u32le(body.length), body])))?.local).toBe("2018-01-02T03:04:05");
    expect((await taken(makeHeifWithMetadata(16, 16, { xmp }).bytes))?.local).toBe("2018-01-02T03:04:05");
  });

  it("prefers EXIF DateTimeOriginal over XMP, and XMP's original over EXIF CreateDate", async () => {
    const xmp = 'exif:DateTimeOriginal="2012-12-12T12:12:12"';
    expect((await taken(jpegWith({ original: "2010:10:10 10:10:10" }, xmp)))?.local).toBe("2010-10-10T10:10:10");
    expect((await taken(jpegWith({ digitized: "2011:11:11 11:11:11" }, xmp)))?.local).toBe("2012-12-12T12:12:12");
  });

  it.each([
    ["an unset clock", "0000:00:00 00:00:00"],
    ["blanks", "    :  :     :  :  "],
    ["a year before 1900", "1899:12:31 23:59:59"],
    ["a date two days in the future", "2026:06:03 12:00:00"],
    ["the 31st of February", "2024:02:31 10:00:00"],
    ["hour 24", "2024:02:01 24:00:00"],
    ["garbage", "yesterday at noon"],
  ])("ignores %s and falls back to the next date", async (_, value) => {
    const exif = exifTiff({ dates: { original: value, modified: "2001:01:01 01:01:01" } });
    expect((await taken(makeJpegWithMetadata(16, 16, { exif, xmp: false })))?.local).toBe("2001-01-01T01:01:01");
  });

  it("accepts a time up to a day ahead (a camera a time zone east) but judges an offset time by its instant", async () => {
    const ahead = exifTiff({ dates: { original: "2026:06:02 08:00:00" } });
    expect((await taken(makeJpegWithMetadata(16, 16, { exif: ahead, xmp: false })))?.local).toBe("2026-06-02T08:00:00");
    const offsetAhead = exifTiff({ dates: { original: "2026:06:02 14:00:00", offsetOriginal: "-02:00" } }); // 16:00Z the next day: 28 h ahead
    expect(await taken(makeJpegWithMetadata(16, 16, { exif: offsetAhead, xmp: false }))).toBeUndefined();
  });

  it("ignores an offset out of range but keeps the time", async () => {
    const exif = exifTiff({ dates: { original: "2024:05:06 07:08:09", offsetOriginal: "+15:00" } });
    expect(await taken(makeJpegWithMetadata(16, 16, { exif, xmp: false }))).toEqual({ local: "2024-05-06T07:08:09", offsetMinutes: undefined });
  });

  test.prop([fc.integer({ min: 0, max: 2000 }), fc.uint8Array({ minLength: 1, maxLength: 8 })], { numRuns: 300 })("never throws on a damaged EXIF or XMP block", async (at, garbage) => {
    const jpeg = jpegWith({ original: "2011:11:11 11:11:11", offsetOriginal: "+01:00" }, 'exif:DateTimeOriginal="2012-12-12T12:12:12"');
    const damaged = jpeg.slice();
    damaged.set(garbage.subarray(0, Math.max(0, damaged.length - at)), Math.min(at, damaged.length - 1));
    await expect(inspectImage(damaged, now)).resolves.toBeDefined();
  });
});

/** A JPEG with EXIF holding `dates` and an XMP packet with `xmpProperties`. */
function jpegWith(dates: ExifOptions["dates"], xmpProperties: string) {
  const jpeg = makeJpegWithMetadata(16, 16, { exif: exifTiff({ dates }), xmp: false, iptc: false, comment: false });
  const afterJfif = 4 + ((jpeg[4] << 8) | jpeg[5]);
  const xmp = jpegSegment(0xe1, concat([ascii("http://ns.adobe.com/xap/1.0/\0"), ascii(xmpWith(xmpProperties))]));
  return concat([jpeg.subarray(0, afterJfif), xmp, jpeg.subarray(afterJfif)]);
}
