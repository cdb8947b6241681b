import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { makeHeifWithMetadata, xmpPacket } from "../test/heif-images";
import { exifTiff, makeJpegWithMetadata, makePngWithMetadata, makeWebpWithMetadata } from "../test/images";
import { makeGifWithMetadata } from "../test/metadata-images";
import type { ImageFormat } from "./sniff";
import { onePassStrip, plannedStrip, rangedOver, wholeStrip } from "./stream-test-helpers";

const exif = fc.option(
  fc.record({ littleEndian: fc.boolean(), orientation: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }), camera: fc.boolean(), gps: fc.boolean() }).map(exifTiff),
  { nil: undefined },
);
const side = fc.integer({ min: 1, max: 40 });

/** An image with metadata of every kind its format carries, each present or not. */
const image = fc.oneof(
  fc.record({ width: side, exif, xmp: fc.boolean(), iptc: fc.boolean(), comment: fc.boolean() }).map((o) => ({ format: "jpeg" as const, make: async () => makeJpegWithMetadata(o.width, 8, o) })),
  fc.record({ width: side, exif, text: fc.boolean() }).map((o) => ({ format: "png" as const, make: () => makePngWithMetadata(o.width, 8, o) })),
  fc.record({ width: side, exif, xmp: fc.boolean() }).map((o) => ({ format: "webp" as const, make: async () => makeWebpWithMetadata(o.width, 8, o) })),
  fc.record({ width: side, comment: fc.string({ maxLength: 300 }), xmpCreator: fc.string({ maxLength: 40 }) }).map((o) => ({ format: "gif" as const, make: async () => makeGifWithMetadata(o.width, 8, o).bytes })),
  fc
    .record({ format: fc.constantFrom("heic" as const, "avif" as const), exif, exifInIdat: fc.boolean(), xmp: fc.option(fc.string({ maxLength: 40 }).map(xmpPacket), { nil: undefined }), thumbnail: fc.boolean(), irot: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) })
    .map((o) => ({ format: o.format, make: async () => makeHeifWithMetadata(24, 16, o).bytes })),
);

/** Bytes overwritten (positions taken modulo the length, most of them in the metadata up front) and the file maybe cut short. */
const damage = fc.record({
  overwrites: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 }), fc.boolean()), { maxLength: 4 }),
  cutAt: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.nat(), weight: 1 }),
});

function damaged(bytes: Uint8Array, { overwrites, cutAt }: { overwrites: [number, number, boolean][]; cutAt?: number }) {
  const out = bytes.slice(0, cutAt === undefined ? bytes.length : cutAt % (bytes.length + 1));
  for (const [at, value, upFront] of overwrites) if (out.length > 0) out[at % (upFront ? Math.min(out.length, 700) : out.length)] = value;
  return out;
}

const readSize = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 70_000 }));
const streamPieces = fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 6 });
const onePassFormats = new Set<ImageFormat>(["jpeg", "png", "gif"]);

describe("stripMetadataStream, property: over ranged reads, what stripMetadata makes of the bytes in memory (issue 22, item 2)", () => {
  test.prop([image, readSize], { numRuns: 300 })("for any generated image with metadata, at any read size: same bytes, same removed", async ({ format, make }, blockSize) => {
    const bytes = await make();
    const whole = await wholeStrip(bytes, format);
    expect(whole.ok).toBe(true);
    expect(await plannedStrip(rangedOver(bytes), format, blockSize)).toEqual(whole);
  });

  test.prop([image, damage, readSize, streamPieces], { numRuns: 1000 })(
    "for any damaged or cut-short image: refused exactly when it is in memory, else the same bytes and removed",
    async ({ format, make }, harm, blockSize, pieces) => {
      const bytes = damaged(await make(), harm);
      const whole = await wholeStrip(bytes, format);
      expect(await plannedStrip(rangedOver(bytes), format, blockSize)).toEqual(whole);
      if (onePassFormats.has(format)) expect(await onePassStrip(bytes, format, pieces)).toEqual(whole);
    },
  );
});
