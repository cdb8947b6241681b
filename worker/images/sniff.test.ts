import { describe, expect, it } from "vitest";
import { type InspectResult, inspectImage } from "./inspect-stream";
import type { ImageFormat } from "./sniff";
import { ascii, concat, randomBytes, u16be, u16le, u32be } from "../test/bytes";
import {
  appendBytes, avifWithBrands, gifClaiming, htmlDocument, isoBox, jpegClaiming, makeAvif, makeGif, makeHeic,
  makeJpeg, makePng, makeWebp, pngHeaderClaiming, svgWithScript, truncate, zipBytes,
} from "../test/images";

const red: [number, number, number] = [220, 30, 30];

const expectImage = (result: InspectResult, format: ImageFormat, width: number, height: number) =>
  expect(result).toMatchObject({ ok: true, image: { format, width, height } });

const expectRefused = (result: InspectResult, reason: string, message?: RegExp) => {
  expect(result).toMatchObject({ ok: false, reason });
  if (message && !result.ok) expect(result.message).toMatch(message);
};

/** The ways a result may come back from hostile input: ok with a real size, or refused with a reason. */
function expectWellFormed(result: InspectResult) {
  if (result.ok) {
    expect(Number.isInteger(result.image.width) && result.image.width > 0).toBe(true);
    expect(Number.isInteger(result.image.height) && result.image.height > 0).toBe(true);
  } else {
    expect(["empty", "unsupported", "truncated", "corrupt"]).toContain(result.reason);
    expect(result.message.length).toBeGreaterThan(0);
  }
}

const samples: [ImageFormat, () => Uint8Array | Promise<Uint8Array>, number, number][] = [
  ["png", () => makePng(1, 1, red), 1, 1],
  ["png", () => makePng(64, 48, red), 64, 48],
  ["png", () => makePng(300, 7, red), 300, 7],
  ["jpeg", () => makeJpeg(1, 1, red), 1, 1],
  ["jpeg", () => makeJpeg(64, 48, red), 64, 48],
  ["jpeg", () => makeJpeg(17, 33, red), 17, 33],
  ["gif", () => makeGif(1, 1), 1, 1],
  ["gif", () => makeGif(64, 48), 64, 48],
  ["gif", () => makeGif(640, 480), 640, 480],
  ["webp", () => makeWebp(40, 30, "vp8"), 40, 30],
  ["webp", () => makeWebp(1, 1, "vp8l"), 1, 1],
  ["webp", () => makeWebp(16384, 16384, "vp8l"), 16384, 16384],
  ["webp", () => makeWebp(40, 30, "vp8x"), 40, 30],
  ["webp", () => makeWebp(20_000, 30_000, "vp8x"), 20_000, 30_000],
  ["avif", () => makeAvif(40, 30), 40, 30],
  ["avif", () => makeAvif(8000, 6000), 8000, 6000],
  ["heic", () => makeHeic(40, 30), 40, 30],
  ["heic", () => makeHeic(4032, 3024), 4032, 3024],
];

const contentTypes: Record<ImageFormat, [string, string]> = {
  png: ["image/png", "png"],
  jpeg: ["image/jpeg", "jpg"],
  gif: ["image/gif", "gif"],
  webp: ["image/webp", "webp"],
  avif: ["image/avif", "avif"],
  heic: ["image/heic", "heic"],
};

describe("inspectImage: formats", () => {
  it.each(samples)("detects %s at %i×%i with its content type and extension", async (format, make, width, height) => {
    const result = await inspectImage(await make());
    expectImage(result, format, width, height);
    const [contentType, extension] = contentTypes[format];
    expect(result).toMatchObject({ image: { contentType, extension } });
  });

  it("reads a JPEG's size past an APP1 segment, fill bytes and a standalone marker before the frame header", async () => {
    const jpeg = makeJpeg(123, 45, red);
    const exif = concat([new Uint8Array([0xff, 0xe1]), u16be(2 + 6 + 30), ascii("Exif\0\0"), randomBytes(30)]);
    const padded = concat([jpeg.subarray(0, 2), exif, new Uint8Array([0xff, 0xff, 0xff, 0xd0]), jpeg.subarray(2)]);
    expectImage(await inspectImage(padded), "jpeg", 123, 45);
  });

  it("accepts further complete JPEGs after the primary one (MPF previews, gain maps)", async () => {
    expectImage(await inspectImage(concat([makeJpeg(64, 48, red), makeJpeg(16, 12, red)])), "jpeg", 64, 48);
  });

  it("sizes a GIF by its first frame when that is larger than the logical screen", async () => {
    const gif = makeGif(10, 10);
    gif.set(u16le(50), 30); // the image descriptor's width: header 6 + screen 7 + palette 12 + separator, left, top
    expectImage(await inspectImage(gif), "gif", 50, 10);
  });

  it("takes a HEIC's size from the primary item's ispe, not the first (tile) one", async () => {
    expectImage(await inspectImage(makeHeic(4032, 3024)), "heic", 4032, 3024);
  });

  it("follows 64-bit and to-the-end ISO-BMFF box sizes", async () => {
    const avif = makeAvif(40, 30);
    const withoutMdat = avif.subarray(0, avif.length - 40); // makeAvif ends with a 40-byte mdat
    const toEnd = concat([withoutMdat, u32be(0), ascii("mdat"), randomBytes(32)]);
    const large = concat([withoutMdat, u32be(1), ascii("mdat"), u32be(0), u32be(16 + 32), randomBytes(32)]);
    const overLarge = concat([withoutMdat, u32be(1), ascii("mdat"), u32be(1), u32be(0), randomBytes(32)]);
    expectImage(await inspectImage(toEnd), "avif", 40, 30);
    expectImage(await inspectImage(large), "avif", 40, 30);
    expectRefused(await inspectImage(overLarge), "truncated");
  });
});

describe("inspectImage: brands", () => {
  it.each<[string, string[], ImageFormat]>([
    ["avif", ["mif1", "miaf"], "avif"],
    ["avis", [], "avif"],
    ["mp41", ["avif"], "avif"],
    ["heic", ["mif1"], "heic"],
    ["mif1", ["heic"], "heic"],
    ["msf1", ["hevc"], "heic"],
    ["heix", [], "heic"],
  ])("types major brand %s with %j as %s", async (major, compatible, format) => {
    expectImage(await inspectImage(avifWithBrands(major, compatible)), format, 64, 48);
  });

  it.each([
    ["mif1", []],
    ["mif1", ["mif1", "miaf"]],
    ["isom", ["mp41", "iso2"]],
    ["mp42", ["isom"]],
    ["qt  ", ["qt  "]],
  ])("refuses major brand %s with %j as unsupported", async (major, compatible) => {
    expectRefused(await inspectImage(avifWithBrands(major, compatible)), "unsupported");
  });
});

describe("inspectImage: not images", () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
  it.each([
    ["an SVG with script", svgWithScript()],
    ["an HTML document (whatever its name)", htmlDocument()],
    ["HTML behind a BOM and whitespace", concat([bom, ascii("  \n"), htmlDocument()])],
    ["a ZIP", zipBytes()],
    ["a PDF", ascii("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")],
    ["plain text", ascii("just some words, GIF89a and PNG later on\n")],
    ["a WAV (RIFF but not WEBP)", concat([ascii("RIFF"), u32be(0x24000000), ascii("WAVEfmt "), randomBytes(32)])],
    ["a BMP", concat([ascii("BM"), randomBytes(60)])],
    ["a TIFF", concat([new Uint8Array([0x49, 0x49, 0x2a, 0x00]), randomBytes(60)])],
    ["a signature shorter than its format's", new Uint8Array([0x89, 0x50, 0x4e])],
  ])("refuses %s as unsupported", async (_name, bytes) => {
    expectRefused(await inspectImage(bytes), "unsupported");
  });

  it("refuses an empty file as empty", async () => {
    expectRefused(await inspectImage(new Uint8Array()), "empty");
  });
});

const realFormats: [string, () => Uint8Array | Promise<Uint8Array>][] = [
  ["PNG", () => makePng(20, 10, red)],
  ["JPEG", () => makeJpeg(64, 48, red)],
  ["GIF", () => makeGif(30, 20)],
  ["WebP VP8", () => makeWebp(40, 30, "vp8")],
  ["WebP VP8L", () => makeWebp(40, 30, "vp8l")],
  ["WebP VP8X", () => makeWebp(40, 30, "vp8x")],
  ["AVIF", () => makeAvif(40, 30)],
  ["HEIC", () => makeHeic(40, 30)],
];

describe("inspectImage: cut-off and polyglot files", () => {
  it.each(realFormats)("refuses every proper prefix of a %s, as truncated once past the signature", async (name, make) => {
    const bytes = await make();
    expect((await inspectImage(bytes)).ok).toBe(true);
    // ISO-BMFF has no end marker: cut at a box boundary, it reads as whole but missing a box.
    const reasons = name === "AVIF" || name === "HEIC" ? ["truncated", "corrupt"] : ["truncated"];
    for (let length = 0; length < bytes.length; length++) {
      const result = await inspectImage(truncate(bytes, length));
      expect(result.ok, `prefix of ${length} bytes`).toBe(false);
      if (length >= 16 && !result.ok) expect(reasons, `prefix of ${length} bytes`).toContain(result.reason);
    }
  });

  it.each([
    ["a PNG + HTML", () => makePng(8, 8, red), htmlDocument()],
    ["a PNG + ZIP", () => makePng(8, 8, red), zipBytes()],
    ["a JPEG + HTML", () => makeJpeg(8, 8, red), htmlDocument()],
    ["a JPEG + ZIP", () => makeJpeg(8, 8, red), zipBytes()],
    ["a JPEG + JPEG + HTML", () => concat([makeJpeg(8, 8, red), makeJpeg(8, 8, red)]), htmlDocument()],
    ["a GIF + ZIP (GIFAR)", () => makeGif(8, 8), zipBytes()],
    ["a WebP + HTML", () => makeWebp(8, 8, "vp8l"), htmlDocument()],
    ["a PNG + 17 zero bytes", () => makePng(8, 8, red), new Uint8Array(17)],
  ])("refuses %s as corrupt: data after the end", async (_name, make, extra) => {
    expectRefused(await inspectImage(appendBytes(await make(), extra)), "corrupt", /data after the end of the image/);
  });

  it.each([
    ["PNG", () => makePng(8, 8, red)],
    ["JPEG", () => makeJpeg(8, 8, red)],
    ["GIF", () => makeGif(8, 8)],
  ])("accepts a %s followed by up to 16 zero bytes of padding", async (_name, make) => {
    expect((await inspectImage(appendBytes(await make(), new Uint8Array(16)))).ok).toBe(true);
  });
});

describe("inspectImage: hostile headers", () => {
  it("reports huge claimed sizes as claimed, for the caller to refuse", async () => {
    expectImage(await inspectImage(pngHeaderClaiming(100_000, 100_000)), "png", 100_000, 100_000);
    expectImage(await inspectImage(gifClaiming(65_535, 65_535)), "gif", 65_535, 65_535);
    expectImage(await inspectImage(jpegClaiming(65_535, 65_500)), "jpeg", 65_535, 65_500);
    expectImage(await inspectImage(makeWebp(2 ** 24, 2 ** 24, "vp8x")), "webp", 2 ** 24, 2 ** 24);
    expectImage(await inspectImage(avifWithBrands("avif", [], 2 ** 32 - 1, 2 ** 32 - 1)), "avif", 2 ** 32 - 1, 2 ** 32 - 1);
  });

  it.each([
    ["a PNG", () => pngHeaderClaiming(0, 10)],
    ["a GIF", () => gifClaiming(0, 0)],
    ["a JPEG", () => jpegClaiming(10, 0)],
    ["a WebP VP8", () => makeWebp(0, 0, "vp8")],
    ["an AVIF", () => avifWithBrands("avif", [], 10, 0)],
  ])("refuses %s declaring a zero side as corrupt", async (_name, make) => {
    expectRefused(await inspectImage(make()), "corrupt");
  });

  it("refuses a JPEG that ends before any scan as corrupt", async () => {
    const jpeg = makeJpeg(8, 8, red);
    const scan = jpeg.findIndex((byte, i) => byte === 0xff && jpeg[i + 1] === 0xda);
    expectRefused(await inspectImage(concat([jpeg.subarray(0, scan), new Uint8Array([0xff, 0xd9])])), "corrupt");
  });

  it("refuses ISO-BMFF boxes that overrun their parent or lack a size", async () => {
    const ftyp = isoBox("ftyp", ascii("avif"), u32be(0));
    const overrun = isoBox("meta", new Uint8Array(4), u32be(100), ascii("iprp"));
    const noSize = isoBox("meta", new Uint8Array(4), isoBox("iprp", isoBox("ipco")));
    expectRefused(await inspectImage(concat([ftyp, overrun, isoBox("mdat")])), "corrupt", /overruns/);
    expectRefused(await inspectImage(concat([ftyp, noSize, isoBox("mdat")])), "corrupt", /size/);
  });

  it("never throws on random bytes, bare or behind each signature", async () => {
    const signatures = [
      new Uint8Array(), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), new Uint8Array([0xff, 0xd8, 0xff]),
      ascii("GIF89a"), concat([ascii("RIFF"), randomBytes(4), ascii("WEBP")]), concat([randomBytes(4), ascii("ftypavif")]),
    ];
    for (let i = 0; i < 600; i++) {
      const [length] = crypto.getRandomValues(new Uint16Array(1));
      const bytes = concat([signatures[i % signatures.length], randomBytes(length % 2048)]);
      expectWellFormed(await inspectImage(bytes));
    }
  });

  it.each(realFormats)("never throws on a %s with random bytes overwritten", async (_name, make) => {
    const original = await make();
    for (let i = 0; i < 300; i++) {
      const bytes = original.slice();
      const positions = crypto.getRandomValues(new Uint32Array(1 + (i % 4)));
      for (const position of positions) bytes[position % bytes.length] = position >>> 24;
      expectWellFormed(await inspectImage(bytes));
    }
  });
});
