import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { ascii, concat, u32le } from "../test/bytes";
import { makeHeifWithMetadata } from "../test/heif-images";
import { exifTiff, makeGif, makeJpeg, makeJpegWithMetadata, makePngWithMetadata, makeWebp, makeWebpWithMetadata, pngChunk, riffChunk } from "../test/images";
import { jpegSegment } from "../test/jpeg-encoder";
import { makeGifWithMetadata } from "../test/metadata-images";
import { inspectImage } from "./inspect-stream";
import { testNow, withMetaLast } from "./inspect-test-helpers";
import { rangedOver } from "./stream-test-helpers";

const exifDate = fc.oneof(
  fc.date({ min: new Date("1890-01-01T00:00:00Z"), max: new Date("2027-12-31T00:00:00Z"), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 19).replace(/-/g, ":").replace("T", " ")),
  fc.constantFrom("0000:00:00 00:00:00", "2024:02:31 10:00:00", "yesterday at noon", "2026:06:02 08:00:00"),
);
const offset = fc.constantFrom("+02:00", "-05:30", "+15:00", "Z", "+0100");
const dates = fc.record({ original: fc.option(exifDate, { nil: undefined }), offsetOriginal: fc.option(offset, { nil: undefined }), digitized: fc.option(exifDate, { nil: undefined }), modified: fc.option(exifDate, { nil: undefined }) });
const exif = fc.option(
  fc.record({ littleEndian: fc.boolean(), orientation: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }), camera: fc.boolean(), gps: fc.boolean(), dates: fc.option(dates, { nil: undefined }) }).map(exifTiff),
  { nil: undefined },
);
const xmpDate = fc.option(
  fc.tuple(fc.constantFrom("exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"), fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2027-12-31T00:00:00Z"), noInvalidDate: true }))
    .map(([name, date]) => `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description ${name}="${date.toISOString()}"/></x:xmpmeta>`),
  { nil: undefined },
);
const side = fc.integer({ min: 1, max: 40 });

const xmpHeader = "http://ns.adobe.com/xap/1.0/\0";
const afterJfif = (jpeg: Uint8Array) => 4 + ((jpeg[4] << 8) | jpeg[5]);

/** makeJpegWithMetadata, then what readJpeg and the metadata walk must follow: XMP dates, fill bytes, a restart marker up front, a second JPEG, zero padding. */
const jpeg = fc
  .record({ width: side, exif, xmp: fc.boolean(), iptc: fc.boolean(), comment: fc.boolean(), xmpDate, fill: fc.nat({ max: 3 }), restart: fc.boolean(), appended: fc.boolean(), padding: fc.nat({ max: 16 }) })
  .map((o) => () => {
    const base = makeJpegWithMetadata(o.width, 8, o);
    const at = afterJfif(base);
    const extra = [
      ...(o.xmpDate ? [jpegSegment(0xe1, concat([ascii(xmpHeader), ascii(o.xmpDate)]))] : []),
      ...(o.restart ? [new Uint8Array([0xff, 0xd0])] : []),
      new Uint8Array(o.fill).fill(0xff),
    ];
    return concat([base.subarray(0, at), ...extra, base.subarray(at), ...(o.appended ? [makeJpeg(8, 8, [1, 2, 3])] : []), new Uint8Array(o.padding)]);
  });

const png = fc.record({ width: side, exif, text: fc.boolean(), xmpDate, spelling: fc.constantFrom("eXIf", "exIf", "EXIF") }).map((o) => async () => {
  const bytes = await makePngWithMetadata(o.width, 8, { exif: o.spelling === "eXIf" ? o.exif : undefined, text: o.text });
  const chunks = [...(o.xmpDate ? [pngChunk("iTXt", concat([ascii("XML:com.adobe.xmp\0\0\0\0\0"), ascii(o.xmpDate)]))] : []), ...(o.exif && o.spelling !== "eXIf" ? [pngChunk(o.spelling, o.exif)] : [])];
  return concat([bytes.subarray(0, 33), ...chunks, bytes.subarray(33)]);
});

const webp = fc.record({ width: side, exif, xmp: fc.boolean(), xmpDate, kind: fc.constantFrom("vp8x-meta" as const, "vp8" as const, "vp8l" as const) }).map((o) => () => {
  const bytes = o.kind === "vp8x-meta" ? makeWebpWithMetadata(o.width, 8, o) : makeWebp(o.width, 8, o.kind);
  if (!o.xmpDate) return bytes;
  const body = concat([bytes.subarray(8), riffChunk("XMP ", ascii(o.xmpDate))]);
  return concat([ascii("RIFF"), u32le(body.length), body]);
});

const gif = fc.oneof(
  fc.record({ width: side, comment: fc.string({ maxLength: 300 }), xmpCreator: fc.string({ maxLength: 40 }) }).map((o) => () => makeGifWithMetadata(o.width, 8, o).bytes),
  fc.tuple(side, side).map(([width, height]) => () => makeGif(width, height)),
);

const heif = fc
  .record({ format: fc.constantFrom("heic" as const, "avif" as const), exif, exifInIdat: fc.boolean(), xmp: xmpDate, thumbnail: fc.boolean(), irot: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), metaLast: fc.boolean() })
  .map((o) => () => {
    const bytes = makeHeifWithMetadata(24, 16, o).bytes;
    return o.metaLast ? withMetaLast(bytes) : bytes;
  });

const image = fc.oneof(jpeg, png, webp, gif, heif);

/** Bytes overwritten (most in the first 700, where headers and metadata are), and the file maybe cut short or extended. */
const damage = fc.record({
  overwrites: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 }), fc.boolean()), { maxLength: 4 }),
  cutAt: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.nat(), weight: 1 }),
  appended: fc.oneof({ arbitrary: fc.constant(new Uint8Array()), weight: 4 }, { arbitrary: fc.uint8Array({ maxLength: 20 }), weight: 1 }),
});

function damaged(bytes: Uint8Array, { overwrites, cutAt, appended }: { overwrites: [number, number, boolean][]; cutAt?: number; appended: Uint8Array }) {
  const out = concat([bytes.subarray(0, cutAt === undefined ? bytes.length : cutAt % (bytes.length + 1)), appended]);
  for (const [at, value, upFront] of overwrites) if (out.length > 0) out[at % (upFront ? Math.min(out.length, 700) : out.length)] = value;
  return out;
}

const readSize = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 70_000 }));

describe("inspectImage, property: over ranged reads, the answer for the bytes in memory", () => {
  test.prop([image, readSize], { numRuns: 300 })("for any generated image, with any metadata, at any read size", async (make, blockSize) => {
    const bytes = await make();
    const whole = await inspectImage(bytes, testNow);
    expect(whole.ok).toBe(true);
    expect(await inspectImage(rangedOver(bytes), testNow, { blockSize })).toStrictEqual(whole);
  });

  test.prop([image, damage, readSize], { numRuns: 1500 })("for any damaged, cut-short or extended image: the same refusal or the same facts", async (make, harm, blockSize) => {
    const bytes = damaged(await make(), harm);
    expect(await inspectImage(rangedOver(bytes), testNow, { blockSize })).toStrictEqual(await inspectImage(bytes, testNow));
  });
});
