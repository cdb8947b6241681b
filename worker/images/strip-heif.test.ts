import { describe, expect, it } from "vitest";
import { ascii, concat, u16be, u32be } from "../test/bytes";
import { makeHeifWithMetadata, xmpPacket } from "../test/heif-images";
import { exifToolTags, fixture, privateTags } from "../test/image-check";
import { exifTiff, isoBox, makeTurnedHeic, truncate } from "../test/images";
import { inspectImage } from "./inspect-stream";
import { stripMetadata } from "./strip-stream";

async function strip(bytes: Uint8Array, format: "heic" | "avif") {
  const result = await stripMetadata(bytes, format);
  if (!result.ok) throw new Error(result.message);
  return result;
}

const latin1 = (bytes: Uint8Array) => new TextDecoder("latin1").decode(bytes);

describe("stripMetadata: HEIC and AVIF (issue 14, finding 1)", () => {
  it.each(["heic", "avif"] as const)("drops a %s's Exif, XMP and thumbnail items, leaving the primary image's bytes and the file's length as they were", async (format) => {
    const { bytes: input, primary } = makeHeifWithMetadata(64, 48, { format, exif: exifTiff({ orientation: 6 }), xmp: xmpPacket("Jane Q. Public"), thumbnail: true, irot: 1 });
    expect(privateTags(await exifToolTags(input))).toEqual(expect.arrayContaining(["IFD0:Make", "GPS:GPSLatitude", "XMP-dc:Creator"]));
    const { bytes, removed } = await strip(input, format);
    expect(removed).toEqual(["GPS location", "camera details (EXIF)", "XMP", "embedded thumbnail"]);
    expect(bytes.length).toBe(input.length);
    expect(bytes.subarray(...primary)).toEqual(input.subarray(...primary));
    expect(latin1(bytes)).not.toMatch(/PlantedCam|Jane|xmpmeta|Exif|rdf\+xml|thmb|cdsc/);
    expect(privateTags(await exifToolTags(bytes))).toEqual([]);
    expect(await inspectImage(bytes)).toEqual(await inspectImage(input)); // size, and irot's orientation 8
    expect(await strip(bytes, format)).toEqual({ ok: true, bytes, removed: [] });
  });

  it("drops an Exif item stored in meta's idat", async () => {
    const { bytes: input, primary } = makeHeifWithMetadata(40, 30, { exif: exifTiff({}), exifInIdat: true });
    const { bytes, removed } = await strip(input, "heic");
    expect(removed).toEqual(["GPS location", "camera details (EXIF)"]);
    expect(latin1(bytes)).not.toContain("PlantedCam");
    expect(bytes.subarray(...primary)).toEqual(input.subarray(...primary));
    expect(privateTags(await exifToolTags(bytes))).toEqual([]);
  });

  it("turns an unknown top-level box (a uuid XMP box) into a zeroed free box of the same size", async () => {
    const { bytes: heic } = makeHeifWithMetadata(40, 30);
    const xmpUuid = new Uint8Array([0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac]);
    const input = concat([heic, isoBox("uuid", xmpUuid, ascii(xmpPacket("Jane Q. Public")))]);
    const { bytes, removed } = await strip(input, "heic");
    expect(removed).toEqual(["XMP"]);
    expect(bytes.length).toBe(input.length);
    expect(latin1(bytes.subarray(heic.length + 4, heic.length + 8))).toBe("free");
    expect(bytes.subarray(heic.length + 8).every((byte) => byte === 0)).toBe(true);
  });

  it("empties an image sequence's udta (where QuickTime keeps GPS) and zeroes its creation and modification times", async () => {
    const { bytes: heic, primary } = makeHeifWithMetadata(40, 30);
    const times = concat([u32be(0xe0000000), u32be(0xe0000001)]);
    const mvhd = isoBox("mvhd", new Uint8Array(4), times, u32be(1000), new Uint8Array(88));
    const location = ascii("+52.5201+013.4049/");
    const udta = isoBox("udta", u32be(8 + location.length), new Uint8Array([0xa9, 0x78, 0x79, 0x7a]), location); // ©xyz
    const trak = isoBox("trak", isoBox("tkhd", new Uint8Array([0, 0, 0, 3]), times, new Uint8Array(72)), udta);
    const input = concat([heic, isoBox("moov", mvhd, trak, udta)]);
    const { bytes, removed } = await strip(input, "heic");
    expect(removed).toEqual(["other metadata"]);
    expect(bytes.length).toBe(input.length);
    expect(latin1(bytes)).not.toMatch(/52\.5201/);
    expect(latin1(bytes.subarray(heic.length))).toMatch(/^.{4}moov.{4}mvhd\0{12}/s);
    expect(bytes.subarray(...primary)).toEqual(input.subarray(...primary));
  });

  it("keeps irot and imir, which are how the image is shown, not metadata", async () => {
    const turned = makeTurnedHeic(400, 300, { irot: 3, imir: 1 });
    expect(await strip(turned, "heic")).toEqual({ ok: true, bytes: turned, removed: [] });
    expect(await inspectImage(turned)).toMatchObject({ ok: true, image: { orientation: 5 } });
  });

  it.each(["photo.heic", "photo.avif"])("leaves nothing ExifTool finds in %s (a real encoder's file, tagged by ExifTool)", async (name) => {
    const input = await fixture(name);
    const format = name.endsWith("heic") ? "heic" : "avif";
    expect(privateTags(await exifToolTags(input)).length).toBeGreaterThan(10);
    const { bytes, removed } = await strip(input, format);
    expect(removed).toEqual(expect.arrayContaining(["GPS location", "camera details (EXIF)", "XMP"]));
    const tags = await exifToolTags(bytes);
    expect(privateTags(tags)).toEqual([]);
    // Size and orientation as they were; the capture time went with the Exif item.
    const { capturedAt, ...before } = await inspected(input);
    expect(capturedAt?.local).toEqual(new Date("2024-05-06T07:08:09Z"));
    expect(await inspected(bytes)).toEqual(before);
    if (format === "avif") expect(tags["ICC_Profile:ProfileDescription"]).toBe("sP3C");
  });
});

describe("stripMetadata: hostile HEIF", () => {
  const laden = () => makeHeifWithMetadata(32, 32, { exif: exifTiff({}), xmp: xmpPacket("x"), thumbnail: true }).bytes;

  it("never throws on any prefix, or with random bytes overwritten in its boxes", async () => {
    const input = laden();
    for (let length = 0; length <= input.length; length++) await expect(stripMetadata(truncate(input, length), "heic")).resolves.toBeDefined();
    for (let i = 0; i < 400; i++) {
      const bytes = input.slice();
      for (const position of crypto.getRandomValues(new Uint32Array(1 + (i % 4)))) bytes[position % 700] = position >>> 24;
      const result = await stripMetadata(bytes, "heic");
      if (result.ok && result.removed.length > 0) expect(result.bytes.length).toBe(bytes.length);
    }
  });

  it("refuses an iloc declaring 65,535 items of 65,535 zero-byte extents each, without walking them", async () => {
    const { bytes } = makeHeifWithMetadata(16, 16, { exif: exifTiff({}) });
    const iloc = latin1(bytes).indexOf("iloc") - 4;
    const hostile = isoBox("iloc", new Uint8Array([1, 0, 0, 0, 0x00, 0x00]), u16be(0xffff), ...Array.from({ length: 200 }, (_, i) => concat([u16be(i), u16be(0), u16be(0), u16be(0xffff)])));
    const size = new DataView(bytes.buffer).getUint32(iloc);
    const withHostile = concat([bytes.subarray(0, iloc), hostile, bytes.subarray(iloc + size)]);
    // meta's size no longer matches; fix it so only the iloc is at fault
    const metaAt = latin1(withHostile).indexOf("meta") - 4;
    withHostile.set(u32be(new DataView(bytes.buffer).getUint32(metaAt) + hostile.length - size), metaAt);
    expect(await stripMetadata(withHostile, "heic")).toMatchObject({ ok: false });
  });
});

async function inspected(bytes: Uint8Array) {
  const result = await inspectImage(bytes);
  if (!result.ok) throw new Error(result.message);
  return result.image;
}
