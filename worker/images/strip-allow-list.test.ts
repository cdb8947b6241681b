import { describe, expect, it } from "vitest";
import { ascii, concat, randomBytes, u32be, u32le } from "../test/bytes";
import { exifTiff, makeJpeg, makePng, makeWebp, pngChunk, riffChunk } from "../test/images";
import { jpegSegment } from "../test/jpeg-encoder";
import {
  makeGifWithMetadata, makeJpegWithOddExifHeader, makeJpegWithThumbnails, makeJpegWithTrailingPreview, makePngWithOddChunks,
} from "../test/metadata-images";
import { inspectImage } from "./inspect-stream";
import type { ImageFormat } from "./sniff";
import { stripMetadata } from "./strip-stream";

async function strip(bytes: Uint8Array, format: ImageFormat) {
  const result = await stripMetadata(bytes, format);
  if (!result.ok) throw new Error(result.message);
  return result;
}

const latin1 = (bytes: Uint8Array) => new TextDecoder("latin1").decode(bytes);
const orientationOf = async (bytes: Uint8Array) => {
  const inspected = await inspectImage(bytes);
  return inspected.ok ? inspected.image.orientation : inspected.message;
};

function markers(jpeg: Uint8Array) {
  const found: number[] = [];
  for (let at = 2; jpeg[at] === 0xff && jpeg[at + 1] !== 0xda; at += 2 + ((jpeg[at + 2] << 8) | jpeg[at + 3])) found.push(jpeg[at + 1]);
  return found;
}

describe("stripMetadata walks no way around the allow-list (issue 14, finding 2)", () => {
  it("drops a JFXX thumbnail (a second JPEG with its own EXIF) and a JFIF thumbnail, keeping JFIF itself", async () => {
    const jpeg = makeJpegWithThumbnails(32, 24);
    const { bytes, removed } = await strip(jpeg, "jpeg");
    expect(removed).toEqual(["embedded thumbnail"]);
    expect(latin1(bytes)).not.toContain("JFXX");
    expect(latin1(bytes)).not.toContain("Exif");
    expect(bytes.subarray(2, 20)).toEqual(concat([new Uint8Array([0xff, 0xe0, 0, 16]), ascii("JFIF\0"), new Uint8Array([1, 2, 0, 0, 1, 0, 1, 0, 0])]));
    expect(bytes.subarray(bytes.length - 200)).toEqual(jpeg.subarray(jpeg.length - 200));
  });

  it('treats an APP1 starting "Exif\\0\\xff" as the EXIF it is: only its orientation stays', async () => {
    const jpeg = makeJpegWithOddExifHeader(32, 24, exifTiff({ orientation: 6 }));
    const { bytes, removed } = await strip(jpeg, "jpeg");
    expect(removed).toEqual(["GPS location", "camera details (EXIF)"]);
    expect(latin1(bytes)).not.toContain("PlantedCam");
    expect(await orientationOf(bytes)).toBe(6);
  });

  it.each(["exIf", "EXIF", "eXIF"])("reads a PNG %s chunk as EXIF and drops tXMP", async (spelling) => {
    const png = await makePngWithOddChunks(16, 16, spelling, exifTiff({ orientation: 8 }), "<x:xmpmeta>Jane</x:xmpmeta>");
    const { bytes, removed } = await strip(png, "png");
    expect(removed).toEqual(["GPS location", "camera details (EXIF)", "XMP"]);
    expect(latin1(bytes)).not.toContain("PlantedCam");
    expect(latin1(bytes)).not.toContain("xmpmeta");
    expect(await orientationOf(bytes)).toBe(8);
  });

  it("drops MPF and the preview images stored after the primary image's EOI", async () => {
    const jpeg = makeJpegWithTrailingPreview(24, 16);
    const { bytes, removed } = await strip(jpeg, "jpeg");
    expect(removed).toEqual(["embedded preview images"]);
    expect(latin1(bytes)).not.toContain("MPF");
    expect(bytes.subarray(-2)).toEqual(new Uint8Array([0xff, 0xd9]));
    expect(await inspectImage(bytes)).toMatchObject({ ok: true, image: { width: 24, height: 16 } });
  });
});

describe("stripMetadata keeps only what the pixels need", () => {
  it("drops unknown JPEG segments and a second EXIF, before the scan and between scans", async () => {
    const jpeg = makeJpeg(16, 16, [1, 2, 3]);
    const afterJfif = 4 + ((jpeg[4] << 8) | jpeg[5]);
    const eoi = jpeg.length - 2;
    const laden = concat([
      jpeg.subarray(0, afterJfif),
      jpegSegment(0xe1, concat([ascii("Exif\0\0"), exifTiff({ orientation: 3, gps: false })])),
      jpegSegment(0xe1, concat([ascii("Exif\0\0"), exifTiff({})])),
      jpegSegment(0xe3, ascii("Meta: somewhere")),
      jpegSegment(0xec, ascii("Ducky")),
      jpegSegment(0xe1, ascii("some other APP1 text")),
      jpeg.subarray(afterJfif, eoi),
      jpegSegment(0xfe, ascii("a comment between scans")),
      jpeg.subarray(eoi),
    ]);
    const { bytes, removed } = await strip(laden, "jpeg");
    expect(removed).toEqual(["camera details (EXIF)", "GPS location", "other metadata", "comments"]);
    expect(markers(bytes)).toEqual([0xe0, 0xe1, 0xdb, 0xc0, 0xc4]);
    expect(await orientationOf(bytes)).toBe(3);
    expect(latin1(bytes)).not.toMatch(/PlantedCam|somewhere|Ducky|APP1 text|between scans/);
    expect(bytes.subarray(bytes.length - (eoi - afterJfif) - 2)).toEqual(jpeg.subarray(afterJfif));
  });

  it("keeps PNG's transparency, colour and animation chunks, dropping tIME and unknown chunks, critical ones too", async () => {
    const png = await makePng(8, 8, [4, 5, 6]);
    const afterIhdr = 8 + 25;
    const keptChunks = [
      pngChunk("gAMA", u32be(45455)), pngChunk("sRGB", new Uint8Array([0])), pngChunk("tRNS", new Uint8Array([0, 1, 0, 2, 0, 3])),
      pngChunk("acTL", concat([u32be(1), u32be(0)])), pngChunk("fcTL", concat([u32be(0), u32be(8), u32be(8), new Uint8Array(14)])),
    ];
    const laden = concat([
      png.subarray(0, afterIhdr), ...keptChunks, pngChunk("tIME", new Uint8Array([7, 232, 5, 6, 7, 8, 9])),
      pngChunk("prVt", ascii("private data")), pngChunk("GPSX", ascii("52.52,13.40")), png.subarray(afterIhdr),
    ]);
    const { bytes, removed } = await strip(laden, "png");
    expect(removed).toEqual(["other metadata"]);
    expect(bytes).toEqual(concat([png.subarray(0, afterIhdr), ...keptChunks, png.subarray(afterIhdr)]));
  });

  it("drops unknown WebP chunks, also inside animation frames, and fixes the RIFF size", async () => {
    const frame = concat([new Uint8Array(16), riffChunk("VP8L", randomBytes(11)), riffChunk("XYZW", ascii("in-frame note"))]);
    const body = concat([
      ascii("WEBP"), riffChunk("VP8X", concat([new Uint8Array([0x02, 0, 0, 0]), new Uint8Array([7, 0, 0, 7, 0, 0])])),
      riffChunk("ANIM", new Uint8Array(6)), riffChunk("ANMF", frame), riffChunk("NOTE", ascii("where I was")),
    ]);
    const webp = concat([ascii("RIFF"), u32le(body.length), body]);
    const { bytes, removed } = await strip(webp, "webp");
    expect(removed).toEqual(["other metadata"]);
    expect(latin1(bytes)).not.toMatch(/in-frame note|where I was/);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(bytes.length - 8);
    expect(await inspectImage(bytes)).toMatchObject({ ok: true, image: { width: 8, height: 8 } });
  });

  it("keeps a simple (not extended) WebP's orientation as a minimal EXIF chunk", async () => {
    const simple = makeWebp(8, 8, "vp8l");
    const body = concat([simple.subarray(8), riffChunk("EXIF", exifTiff({ orientation: 6 }))]);
    const webp = concat([ascii("RIFF"), u32le(body.length), body]);
    const { bytes } = await strip(webp, "webp");
    expect(latin1(bytes)).not.toContain("PlantedCam");
    expect(await orientationOf(bytes)).toBe(6);
  });

  it("keeps a GIF's image, loop, ICC profile and timing, dropping XMP, comments, plain text and other application data", async () => {
    const { bytes: gif, stripped } = makeGifWithMetadata(8, 8, { comment: "742 Evergreen Terrace", xmpCreator: "Jane Q. Public" });
    const { bytes, removed } = await strip(gif, "gif");
    expect(removed).toEqual(["XMP", "comments", "text metadata", "other metadata"]);
    expect(latin1(bytes)).not.toMatch(/Evergreen|Jane|MYAPP/);
    expect(bytes).toEqual(stripped);
    expect(await inspectImage(bytes)).toEqual(await inspectImage(gif));
  });

  it("returns a file holding nothing to remove as it is, for every format", async () => {
    const plain = [["jpeg", makeJpeg(8, 8, [1, 2, 3])], ["png", await makePng(4, 4, [1, 1, 1])], ["webp", makeWebp(8, 8, "vp8")]] as const;
    for (const [format, bytes] of plain) {
      expect(await stripMetadata(bytes, format)).toEqual({ ok: true, bytes, removed: [] });
    }
  });
});
