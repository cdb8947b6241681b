import { describe, expect, it } from "vitest";
import { concat } from "../test/bytes";
import { exifTiff, makeJpegWithMetadata, makePng, makePngWithMetadata, makeTurnedHeic, makeWebpWithMetadata, pngChunk } from "../test/images";
import { makeHeifWithMetadata } from "../test/heif-images";
import { fixture } from "../test/image-check";
import { makeJpegWithOddExifHeader } from "../test/metadata-images";
import { inspectImage } from "./inspect-stream";
import type { ImageFormat } from "./sniff";
import { stripMetadata } from "./strip-stream";

const shown = async (bytes: Uint8Array) => {
  const result = await inspectImage(bytes);
  if (!result.ok) throw new Error(result.message);
  const { width, height, orientation, displayWidth, displayHeight } = result.image;
  return { width, height, orientation, displayWidth, displayHeight };
};

describe("inspectImage: orientation and the size as shown", () => {
  it.each([1, 2, 3, 4])("keeps a JPEG's size for EXIF orientation %i", async (orientation) => {
    expect(await shown(makeJpegWithMetadata(60, 40, { exif: exifTiff({ orientation }) }))).toEqual({ width: 60, height: 40, orientation, displayWidth: 60, displayHeight: 40 });
  });

  it.each([5, 6, 7, 8])("swaps a JPEG's width and height for EXIF orientation %i", async (orientation) => {
    expect(await shown(makeJpegWithMetadata(60, 40, { exif: exifTiff({ orientation, littleEndian: orientation % 2 === 0 }) }))).toEqual({
      width: 60, height: 40, orientation, displayWidth: 40, displayHeight: 60,
    });
  });

  it("reads a JPEG's EXIF whose header pad byte is not zero", async () => {
    const jpeg = makeJpegWithMetadata(60, 40, { exif: exifTiff({ orientation: 6 }), xmp: false, iptc: false, comment: false });
    const exifAt = jpeg.findIndex((_, i) => jpeg[i] === 0xff && jpeg[i + 1] === 0xe1);
    jpeg[exifAt + 9] = 0xff; // "Exif\0\xff"
    expect((await shown(jpeg)).orientation).toBe(6);
  });

  it("reads the orientation from a PNG eXIf chunk, whatever the case of its name", async () => {
    expect((await shown(await makePngWithMetadata(30, 20, { exif: exifTiff({ orientation: 8 }) }))).displayWidth).toBe(20);
    const plain = await makePng(30, 20, [1, 2, 3]);
    const upper = concat([plain.subarray(0, 33), pngChunk("EXIF", exifTiff({ orientation: 6 })), plain.subarray(33)]);
    expect(await shown(upper)).toMatchObject({ orientation: 6, displayWidth: 20, displayHeight: 30 });
  });

  it("reads the orientation from a WebP EXIF chunk", async () => {
    expect(await shown(makeWebpWithMetadata(30, 20, { exif: exifTiff({ orientation: 6 }) }))).toMatchObject({ orientation: 6, displayWidth: 20 });
  });

  it("treats no EXIF, and an orientation out of range, as upright", async () => {
    expect((await shown(await makePng(30, 20, [1, 2, 3]))).orientation).toBe(1);
    expect((await shown(makeJpegWithMetadata(30, 20, { exif: exifTiff({ orientation: 9 }) }))).orientation).toBe(1);
  });

  it.each([
    [{ irot: 1 }, 8, true],
    [{ irot: 2 }, 3, false],
    [{ irot: 3 }, 6, true],
    [{ imir: 1 as const }, 2, false],
    [{ imir: 0 as const }, 4, false],
    [{ irot: 1, imir: 1 as const }, 7, true],
    [{ irot: 3, imir: 1 as const }, 5, true],
  ])("translates HEIF's %o to EXIF orientation %i", async (transform, orientation, swapped) => {
    const result = await shown(makeTurnedHeic(400, 300, transform));
    expect(result.orientation).toBe(orientation);
    expect([result.displayWidth, result.displayHeight]).toEqual(swapped ? [300, 400] : [400, 300]);
  });
});

describe("inspectImage after stripMetadata: the same orientation", () => {
  const turned: [string, ImageFormat, () => Uint8Array | Promise<Uint8Array>][] = [
    ["a JPEG (EXIF 6)", "jpeg", () => makeJpegWithMetadata(60, 40, { exif: exifTiff({ orientation: 6 }) })],
    ['a JPEG whose EXIF starts "Exif\\0\\xff" (EXIF 7)', "jpeg", () => makeJpegWithOddExifHeader(60, 40, exifTiff({ orientation: 7 }))],
    ["a PNG (eXIf 8)", "png", () => makePngWithMetadata(30, 20, { exif: exifTiff({ orientation: 8, littleEndian: true }) })],
    ["a PNG (EXIF 5)", "png", async () => { const plain = await makePng(30, 20, [1, 2, 3]); return concat([plain.subarray(0, 33), pngChunk("EXIF", exifTiff({ orientation: 5 })), plain.subarray(33)]); }],
    ["a WebP (EXIF 2)", "webp", () => makeWebpWithMetadata(30, 20, { exif: exifTiff({ orientation: 2 }) })],
    ["a HEIC (irot 1 beside an Exif item saying 6)", "heic", () => makeHeifWithMetadata(40, 30, { irot: 1, exif: exifTiff({ orientation: 6 }) }).bytes],
    ["an AVIF (irot 3)", "avif", () => makeHeifWithMetadata(40, 30, { format: "avif", irot: 3, exif: exifTiff({}) }).bytes],
    ["photo.jpg", "jpeg", () => fixture("photo.jpg")],
    ["photo.png", "png", () => fixture("photo.png")],
    ["photo.webp", "webp", () => fixture("photo.webp")],
    ["photo.avif", "avif", () => fixture("photo.avif")],
  ];

  it.each(turned)("keeps %s turned as it was", async (_name, format, make) => {
    const bytes = await make();
    const stripped = await stripMetadata(bytes, format);
    if (!stripped.ok) throw new Error(stripped.message);
    expect(stripped.removed.length).toBeGreaterThan(0);
    expect(await shown(stripped.bytes)).toEqual(await shown(bytes));
    expect((await shown(bytes)).orientation).not.toBe(1);
  });
});
