import { describe, expect, it } from "vitest";
import { inspectImage } from "./inspect-stream";
import { type StripResult, stripMetadata } from "./strip-stream";
import type { ImageFormat } from "./sniff";
import { ascii, concat, crc32, randomBytes, u16be, u32be } from "../test/bytes";
import {
  exifTiff, makeJpeg, makeJpegWithMetadata, makePng, makePngWithMetadata, makeWebp,
  makeWebpWithMetadata, planted, truncate,
} from "../test/images";

/** Stripping that must succeed: its bytes and what it removed. */
async function strip(bytes: Uint8Array, format: ImageFormat) {
  const result = await stripMetadata(bytes, format);
  if (!result.ok) throw new Error(result.message);
  return result;
}

const u32leAt = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const expectNoneOf = (bytes: Uint8Array, texts: string[]) => {
  for (const text of texts) expect(indexOfBytes(bytes, ascii(text)), `"${text}" is still there`).toBe(-1);
};

/** What a stripped file holds besides: same format and size as before, per the upload path's own check. */
async function expectSameImage(before: Uint8Array, after: Uint8Array) {
  const [was, is] = [await inspectImage(before), await inspectImage(after)];
  expect(was.ok).toBe(true);
  expect(is).toEqual(was);
}

/** The bytes an orientation-only EXIF must be: TIFF header, one IFD0 entry (0x0112 SHORT 1), no next IFD. */
const minimalExif = (orientation: number, littleEndian = false) =>
  littleEndian
    ? new Uint8Array([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0, 0, 0, 0, 0])
    : new Uint8Array([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);

/** The segments before a JPEG's first scan (no fill bytes in test files), and where that scan starts. */
function jpegHeader(bytes: Uint8Array) {
  const segments: { marker: number; bytes: Uint8Array }[] = [];
  let at = 2;
  while (bytes[at + 1] !== 0xda) {
    const end = at + 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
    segments.push({ marker: bytes[at + 1], bytes: bytes.subarray(at, end) });
    at = end;
  }
  return { segments, scan: bytes.subarray(at) };
}

function pngChunks(bytes: Uint8Array) {
  const chunks: { type: string; bytes: Uint8Array; crcOk: boolean }[] = [];
  for (let at = 8; at < bytes.length; ) {
    const end = at + 12 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(at);
    const crc = new DataView(bytes.buffer, bytes.byteOffset).getUint32(end - 4);
    chunks.push({ type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)), bytes: bytes.subarray(at, end), crcOk: crc === crc32(bytes.subarray(at + 4, end - 4)) });
    at = end;
  }
  return chunks;
}

function riffChunks(bytes: Uint8Array) {
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let at = 12; at < bytes.length; ) {
    const size = u32leAt(bytes, at + 4);
    chunks.push({ type: String.fromCharCode(...bytes.subarray(at, at + 4)), data: bytes.subarray(at + 8, at + 8 + size + (size & 1)) });
    at += 8 + size + (size & 1);
  }
  return chunks;
}

const phoneExif = exifTiff({ orientation: 6 });
const markerStrings = Object.values(planted);

describe("stripMetadata: JPEG", () => {
  it("removes EXIF with GPS, XMP, extended XMP, IPTC and comments, keeping orientation 6 as a minimal EXIF", async () => {
    const jpeg = makeJpegWithMetadata(64, 48, { exif: phoneExif });
    const { bytes, removed } = await strip(jpeg, "jpeg");
    expect(removed).toEqual(["GPS location", "camera details (EXIF)", "XMP", "IPTC", "comments"]);
    expectNoneOf(bytes, markerStrings);
    const exif = jpegHeader(bytes).segments.filter((segment) => segment.marker === 0xe1);
    expect(exif.map((segment) => segment.bytes)).toEqual([concat([new Uint8Array([0xff, 0xe1]), u16be(34), ascii("Exif\0\0"), minimalExif(6)])]);
  });

  it("keeps JFIF, both ICC chunks in order, the Adobe segment and everything from SOS on byte-identical", async () => {
    const jpeg = makeJpegWithMetadata(64, 48, { exif: phoneExif });
    const before = jpegHeader(jpeg);
    const after = jpegHeader((await strip(jpeg, "jpeg")).bytes);
    const kept = (segments: typeof before.segments) => segments.filter((segment) => ![0xe1, 0xed, 0xfe].includes(segment.marker));
    expect(kept(after.segments)).toEqual(kept(before.segments));
    expect(kept(after.segments).map((segment) => segment.marker)).toEqual([0xe0, 0xe2, 0xe2, 0xee, 0xdb, 0xc0, 0xc4]);
    expect(after.scan).toEqual(before.scan);
  });

  it("still reads as the same JPEG, its marker walk reaching EOI", async () => {
    const jpeg = makeJpegWithMetadata(17, 33, { exif: phoneExif });
    await expectSameImage(jpeg, (await strip(jpeg, "jpeg")).bytes);
  });

  it("writes the minimal EXIF in the original byte order", async () => {
    const jpeg = makeJpegWithMetadata(8, 8, { exif: exifTiff({ orientation: 8, littleEndian: true }) });
    const { bytes } = await strip(jpeg, "jpeg");
    expect(indexOfBytes(bytes, concat([ascii("Exif\0\0"), minimalExif(8, true)]))).toBeGreaterThan(0);
  });

  it.each([1, undefined, 9])("drops the EXIF segment whole when orientation is %s", async (orientation) => {
    const jpeg = makeJpegWithMetadata(8, 8, { exif: exifTiff({ orientation }) });
    const { bytes, removed } = await strip(jpeg, "jpeg");
    expect(jpegHeader(bytes).segments.map((segment) => segment.marker)).not.toContain(0xe1);
    expect(removed).toContain("GPS location");
  });

  it("reports GPS only when the EXIF points at a GPS IFD, and camera details only when there are other tags", async () => {
    const only = { xmp: false, iptc: false, comment: false };
    const removed = async (exif: Uint8Array) => (await strip(makeJpegWithMetadata(8, 8, { ...only, exif }), "jpeg")).removed;
    expect(await removed(exifTiff({ gps: false, orientation: 6 }))).toEqual(["camera details (EXIF)"]);
    expect(await removed(exifTiff({ camera: false }))).toEqual(["GPS location"]);
    expect(await removed(exifTiff({ camera: false, gps: false, orientation: 1 }))).toEqual(["camera details (EXIF)"]);
  });

  it.each([
    ["random bytes", randomBytes(40)],
    ["an IFD0 offset past the end", concat([ascii("MM"), u16be(42), u32be(4000), new Uint8Array(8)])],
    ["an IFD0 claiming 65535 entries", concat([ascii("II"), new Uint8Array([42, 0, 8, 0, 0, 0, 0xff, 0xff]), randomBytes(30)])],
  ])("drops an unreadable EXIF (%s) whole, as camera details", async (_name, exif) => {
    const { bytes, removed } = await strip(makeJpegWithMetadata(8, 8, { exif, xmp: false, iptc: false, comment: false }), "jpeg");
    expect(removed).toEqual(["camera details (EXIF)"]);
    expect(jpegHeader(bytes).segments.map((segment) => segment.marker)).not.toContain(0xe1);
  });

  it.each([
    ["a plain JPEG", () => makeJpeg(64, 48, [1, 2, 3])],
    ["a JPEG with only an ICC profile and Adobe segment", () => makeJpegWithMetadata(8, 8, { xmp: false, iptc: false, comment: false })],
    ["an already stripped JPEG", async () => (await strip(makeJpegWithMetadata(8, 8, { exif: phoneExif }), "jpeg")).bytes],
  ])("returns %s as it is, removing nothing", async (_name, make) => {
    const jpeg = await make();
    expect(await strip(jpeg, "jpeg")).toEqual({ ok: true, bytes: jpeg, removed: [] });
    expect((await strip(jpeg, "jpeg")).bytes).toBe(jpeg);
  });
});

describe("stripMetadata: PNG", () => {
  it("removes eXIf, tEXt, zTXt and XMP iTXt, keeping orientation 6 in a minimal eXIf", async () => {
    const png = await makePngWithMetadata(20, 10, { exif: phoneExif });
    const { bytes, removed } = await strip(png, "png");
    expect(removed).toEqual(["GPS location", "camera details (EXIF)", "text metadata", "XMP"]);
    expectNoneOf(bytes, markerStrings);
    const chunks = pngChunks(bytes);
    expect(chunks.map((chunk) => chunk.type)).toEqual(["IHDR", "iCCP", "pHYs", "eXIf", "IDAT", "IEND"]);
    expect(chunks[3].bytes.subarray(8, -4)).toEqual(minimalExif(6));
  });

  it("keeps iCCP, pHYs and the critical chunks byte-identical, every CRC valid", async () => {
    const png = await makePngWithMetadata(20, 10, { exif: phoneExif });
    const after = pngChunks((await strip(png, "png")).bytes);
    expect(after.every((chunk) => chunk.crcOk)).toBe(true);
    const keptTypes = ["IHDR", "iCCP", "pHYs", "IDAT", "IEND"];
    const kept = (chunks: ReturnType<typeof pngChunks>) => chunks.filter((chunk) => keptTypes.includes(chunk.type));
    expect(kept(after)).toEqual(kept(pngChunks(png)));
    await expectSameImage(png, (await strip(png, "png")).bytes);
  });

  it("drops eXIf whole when there is no orientation to keep", async () => {
    const png = await makePngWithMetadata(4, 4, { exif: exifTiff(), text: false });
    const { bytes, removed } = await strip(png, "png");
    expect(removed).toEqual(["GPS location", "camera details (EXIF)"]);
    expect(pngChunks(bytes).map((chunk) => chunk.type)).toEqual(["IHDR", "iCCP", "pHYs", "IDAT", "IEND"]);
  });

  it("reads an eXIf that kept JPEG's Exif header", async () => {
    const png = await makePngWithMetadata(4, 4, { exif: concat([ascii("Exif\0\0"), phoneExif]), text: false });
    expect(pngChunks((await strip(png, "png")).bytes)[3].bytes.subarray(8, -4)).toEqual(minimalExif(6));
  });

  it("returns a PNG without metadata, or already stripped, as it is", async () => {
    const plain = await makePng(8, 8, [1, 2, 3]);
    const stripped = (await strip(await makePngWithMetadata(8, 8, { exif: phoneExif }), "png")).bytes;
    for (const png of [plain, stripped]) expect(await strip(png, "png")).toEqual({ ok: true, bytes: png, removed: [] });
  });
});

describe("stripMetadata: WebP", () => {
  it("removes EXIF and XMP chunks, keeping ICCP, the image and a minimal EXIF, with flags and RIFF size fixed", async () => {
    const webp = makeWebpWithMetadata(40, 30, { exif: phoneExif });
    expect(webp[20]).toBe(0x2c);
    const { bytes, removed } = await strip(webp, "webp");
    expect(removed).toEqual(["GPS location", "camera details (EXIF)", "XMP"]);
    expectNoneOf(bytes, markerStrings);
    expect(u32leAt(bytes, 4)).toBe(bytes.length - 8);
    expect(bytes[20]).toBe(0x28); // ICC and EXIF
    const [before, after] = [riffChunks(webp), riffChunks(bytes)];
    expect(after.map((chunk) => chunk.type)).toEqual(["VP8X", "ICCP", "VP8L", "EXIF"]);
    expect(after[1]).toEqual(before[1]); // with its padding byte
    expect(after[2]).toEqual(before[2]);
    expect(after[3].data).toEqual(minimalExif(6));
    await expectSameImage(webp, bytes);
  });

  it("clears the EXIF flag when no orientation needs keeping", async () => {
    const webp = makeWebpWithMetadata(40, 30, { exif: exifTiff({ orientation: 1 }) });
    const { bytes } = await strip(webp, "webp");
    expect(bytes[20]).toBe(0x20);
    expect(u32leAt(bytes, 4)).toBe(bytes.length - 8);
    expect(riffChunks(bytes).map((chunk) => chunk.type)).toEqual(["VP8X", "ICCP", "VP8L"]);
    await expectSameImage(webp, bytes);
  });

  it("reads an EXIF chunk that kept JPEG's Exif header", async () => {
    const webp = makeWebpWithMetadata(4, 4, { exif: concat([ascii("Exif\0\0"), exifTiff({ orientation: 3, littleEndian: true })]) });
    expect(riffChunks((await strip(webp, "webp")).bytes)[3].data).toEqual(minimalExif(3, true));
  });

  it.each([
    ["a lossy WebP", () => makeWebp(8, 8, "vp8")],
    ["a lossless WebP", () => makeWebp(8, 8, "vp8l")],
    ["an extended WebP with only an ICC profile", () => makeWebpWithMetadata(8, 8, { xmp: false })],
    ["an already stripped WebP", async () => (await strip(makeWebpWithMetadata(8, 8, { exif: phoneExif }), "webp")).bytes],
  ])("returns %s as it is", async (_name, make) => {
    const webp = await make();
    expect(await strip(webp, "webp")).toEqual({ ok: true, bytes: webp, removed: [] });
  });
});

const laden: [string, "jpeg" | "png" | "webp", () => Uint8Array | Promise<Uint8Array>][] = [
  ["JPEG", "jpeg", () => makeJpegWithMetadata(16, 16, { exif: phoneExif })],
  ["PNG", "png", () => makePngWithMetadata(16, 16, { exif: phoneExif })],
  ["WebP", "webp", () => makeWebpWithMetadata(16, 16, { exif: phoneExif })],
];

/** Refused, or: nothing removed must mean the very input came back; something removed, a fresh copy. */
function expectConsistent(input: Uint8Array, result: StripResult) {
  if (!result.ok) return expect(result.message).toMatch(/could not be followed/);
  if (result.removed.length === 0) expect(result.bytes).toBe(input);
  else expect(result.bytes).not.toBe(input);
}

describe("stripMetadata: hostile input", () => {
  it.each(laden)("never throws on any prefix of a metadata-laden %s", async (_name, format, make) => {
    const bytes = await make();
    for (let length = 0; length <= bytes.length; length++) {
      const cut = truncate(bytes, length);
      expectConsistent(cut, await stripMetadata(cut, format));
    }
  });

  it.each(laden)("never throws on a metadata-laden %s with random bytes overwritten", async (_name, format, make) => {
    const original = await make();
    for (let i = 0; i < 400; i++) {
      const bytes = original.slice();
      const positions = crypto.getRandomValues(new Uint32Array(1 + (i % 4)));
      for (const position of positions) bytes[position % Math.min(bytes.length, 600)] = position >>> 24; // the metadata sits up front
      expectConsistent(bytes, await stripMetadata(bytes, format));
    }
  });

  it("never throws on random bytes behind each signature", async () => {
    const signatures = {
      jpeg: new Uint8Array([0xff, 0xd8, 0xff]),
      png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      webp: concat([ascii("RIFF"), u32be(0x00100000), ascii("WEBPVP8X")]),
    };
    for (let i = 0; i < 600; i++) {
      const format = (["jpeg", "png", "webp"] as const)[i % 3];
      const bytes = concat([signatures[format], randomBytes(i * 7)]);
      expectConsistent(bytes, await stripMetadata(bytes, format));
    }
  });

  it.each([
    ["a JPEG segment shorter than its length field", "jpeg", () => concat([makeJpegWithMetadata(8, 8, { exif: phoneExif }).subarray(0, 20), new Uint8Array([0xff, 0xe1, 0, 1])])],
    ["a JPEG that ends before its scan", "jpeg", () => { const jpeg = makeJpegWithMetadata(8, 8, { exif: phoneExif }); return jpeg.subarray(0, jpeg.length - jpegHeader(jpeg).scan.length); }],
    ["a PNG chunk claiming 4 GB", "png", () => concat([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), u32be(0xffffffff), ascii("tEXt"), randomBytes(20)])],
    ["a WebP chunk overrunning the RIFF", "webp", () => { const webp = makeWebpWithMetadata(8, 8, { exif: phoneExif }); webp.set([0xff, 0xff], 34); return webp; }],
  ] as const)("refuses %s rather than store what it may carry", async (_name, format, make) => {
    expect(await stripMetadata(make(), format)).toMatchObject({ ok: false });
  });
});
