import { describe, expect, it } from "vitest";
import { ascii, concat, randomBytes, u16be, u16le, u32be } from "../test/bytes";
import {
  appendBytes, avifWithBrands, gifClaiming, htmlDocument, isoBox, jpegClaiming, makeAvif, makeGif, makeHeic, makeJpeg, makePng, makeWebp,
  pngHeaderClaiming, svgWithScript, truncate, zipBytes,
} from "../test/images";
import { expectInspectedAsWhole } from "./inspect-test-helpers";

/** sniff.test.ts's images, each inspected over ranged reads as it is inspected in memory. */

const red: [number, number, number] = [220, 30, 30];
type Make = () => Uint8Array | Promise<Uint8Array>;

const samples: [string, Make][] = [
  ["a 1×1 PNG", () => makePng(1, 1, red)],
  ["a 64×48 PNG", () => makePng(64, 48, red)],
  ["a 300×7 PNG", () => makePng(300, 7, red)],
  ["a 1×1 JPEG", () => makeJpeg(1, 1, red)],
  ["a 64×48 JPEG", () => makeJpeg(64, 48, red)],
  ["a 17×33 JPEG", () => makeJpeg(17, 33, red)],
  ["a 1×1 GIF", () => makeGif(1, 1)],
  ["a 64×48 GIF", () => makeGif(64, 48)],
  ["a 640×480 GIF", () => makeGif(640, 480)],
  ["a VP8 WebP", () => makeWebp(40, 30, "vp8")],
  ["a 1×1 VP8L WebP", () => makeWebp(1, 1, "vp8l")],
  ["a 16384² VP8L WebP", () => makeWebp(16384, 16384, "vp8l")],
  ["a VP8X WebP", () => makeWebp(40, 30, "vp8x")],
  ["a 20000×30000 VP8X WebP", () => makeWebp(20_000, 30_000, "vp8x")],
  ["a 40×30 AVIF", () => makeAvif(40, 30)],
  ["an 8000×6000 AVIF", () => makeAvif(8000, 6000)],
  ["a 40×30 HEIC", () => makeHeic(40, 30)],
  ["a 4032×3024 HEIC (tile ispe first)", () => makeHeic(4032, 3024)],
  ["a JPEG with APP1, fill bytes and a standalone marker before its frame header", () => {
    const jpeg = makeJpeg(123, 45, red);
    const exif = concat([new Uint8Array([0xff, 0xe1]), u16be(2 + 6 + 30), ascii("Exif\0\0"), randomBytes(30)]);
    return concat([jpeg.subarray(0, 2), exif, new Uint8Array([0xff, 0xff, 0xff, 0xd0]), jpeg.subarray(2)]);
  }],
  ["a JPEG followed by another (MPF, gain map)", () => concat([makeJpeg(64, 48, red), makeJpeg(16, 12, red)])],
  ["a GIF whose first frame outgrows its screen", () => { const gif = makeGif(10, 10); gif.set(u16le(50), 30); return gif; }],
  ...avifMdatVariants(),
];

function avifMdatVariants(): [string, Make][] {
  const withoutMdat = () => makeAvif(40, 30).subarray(0, -40); // makeAvif ends with a 40-byte mdat
  return [
    ["an AVIF whose mdat runs to the end (size 0)", () => concat([withoutMdat(), u32be(0), ascii("mdat"), randomBytes(32)])],
    ["an AVIF with a 64-bit mdat size", () => concat([withoutMdat(), u32be(1), ascii("mdat"), u32be(0), u32be(16 + 32), randomBytes(32)])],
  ];
}

const brands: [string, string[]][] = [
  ["avif", ["mif1", "miaf"]], ["avis", []], ["mp41", ["avif"]], ["heic", ["mif1"]], ["mif1", ["heic"]], ["msf1", ["hevc"]], ["heix", []],
  ["mif1", []], ["mif1", ["mif1", "miaf"]], ["isom", ["mp41", "iso2"]], ["mp42", ["isom"]], ["qt  ", ["qt  "]],
];

const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
const notImages: [string, Make][] = [
  ["an SVG with script", svgWithScript],
  ["an HTML document", htmlDocument],
  ["HTML behind a BOM and whitespace", () => concat([bom, ascii("  \n"), htmlDocument()])],
  ["a ZIP", zipBytes],
  ["a PDF", () => ascii("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")],
  ["plain text", () => ascii("just some words, GIF89a and PNG later on\n")],
  ["a WAV (RIFF but not WEBP)", () => concat([ascii("RIFF"), u32be(0x24000000), ascii("WAVEfmt "), randomBytes(32)])],
  ["a BMP", () => concat([ascii("BM"), randomBytes(60)])],
  ["a TIFF", () => concat([new Uint8Array([0x49, 0x49, 0x2a, 0x00]), randomBytes(60)])],
  ["a signature shorter than its format's", () => new Uint8Array([0x89, 0x50, 0x4e])],
  ["an empty file", () => new Uint8Array()],
  ["an ftyp box in fewer than 12 bytes", () => concat([u32be(8), ascii("ftyp"), ascii("av")])],
];

const realFormats: [string, Make][] = [
  ["PNG", () => makePng(20, 10, red)],
  ["JPEG", () => makeJpeg(64, 48, red)],
  ["GIF", () => makeGif(30, 20)],
  ["WebP VP8", () => makeWebp(40, 30, "vp8")],
  ["WebP VP8L", () => makeWebp(40, 30, "vp8l")],
  ["WebP VP8X", () => makeWebp(40, 30, "vp8x")],
  ["AVIF", () => makeAvif(40, 30)],
  ["HEIC", () => makeHeic(40, 30)],
];

const polyglots: [string, Make, Uint8Array][] = [
  ["a PNG + HTML", () => makePng(8, 8, red), htmlDocument()],
  ["a PNG + ZIP", () => makePng(8, 8, red), zipBytes()],
  ["a JPEG + HTML", () => makeJpeg(8, 8, red), htmlDocument()],
  ["a JPEG + ZIP", () => makeJpeg(8, 8, red), zipBytes()],
  ["a JPEG + JPEG + HTML", () => concat([makeJpeg(8, 8, red), makeJpeg(8, 8, red)]), htmlDocument()],
  ["a GIF + ZIP (GIFAR)", () => makeGif(8, 8), zipBytes()],
  ["a WebP + HTML", () => makeWebp(8, 8, "vp8l"), htmlDocument()],
  ["a PNG + 17 zero bytes", () => makePng(8, 8, red), new Uint8Array(17)],
  ...realFormats.map(([name, make]) => [`a ${name} + 16 zero bytes`, make, new Uint8Array(16)] as [string, Make, Uint8Array]),
  ...realFormats.map(([name, make]) => [`a ${name} + one 1 byte`, make, new Uint8Array([1])] as [string, Make, Uint8Array]),
];

const hostile: [string, Make][] = [
  ["a PNG claiming 100000²", () => pngHeaderClaiming(100_000, 100_000)],
  ["a GIF claiming 65535²", () => gifClaiming(65_535, 65_535)],
  ["a JPEG claiming 65535×65500", () => jpegClaiming(65_535, 65_500)],
  ["a VP8X WebP claiming 2^24 a side", () => makeWebp(2 ** 24, 2 ** 24, "vp8x")],
  ["an AVIF claiming 2^32-1 a side", () => avifWithBrands("avif", [], 2 ** 32 - 1, 2 ** 32 - 1)],
  ["a PNG 0 wide", () => pngHeaderClaiming(0, 10)],
  ["a GIF 0×0", () => gifClaiming(0, 0)],
  ["a JPEG 0 high", () => jpegClaiming(10, 0)],
  ["a VP8 WebP 0×0", () => makeWebp(0, 0, "vp8")],
  ["an AVIF 0 high", () => avifWithBrands("avif", [], 10, 0)],
  ["a JPEG that ends before any scan", () => {
    const jpeg = makeJpeg(8, 8, red);
    const scan = jpeg.findIndex((byte, i) => byte === 0xff && jpeg[i + 1] === 0xda);
    return concat([jpeg.subarray(0, scan), new Uint8Array([0xff, 0xd9])]);
  }],
  ["a HEIF box overrunning its parent", () => concat([isoBox("ftyp", ascii("avif"), u32be(0)), isoBox("meta", new Uint8Array(4), u32be(100), ascii("iprp")), isoBox("mdat")])],
  ["a HEIF box without a size", () => concat([isoBox("ftyp", ascii("avif"), u32be(0)), isoBox("meta", new Uint8Array(4), isoBox("iprp", isoBox("ipco"))), isoBox("mdat")])],
  ["a HEIF whose meta ends the file, its last child overrunning it", async () => concat([isoBox("ftyp", ascii("avif"), u32be(0)), isoBox("mdat"), isoBox("meta", new Uint8Array(4), u32be(100), ascii("iprp"))])],
  ["an AVIF whose 64-bit mdat size overruns", () => concat([makeAvif(40, 30).subarray(0, -40), u32be(1), ascii("mdat"), u32be(1), u32be(0), randomBytes(32)])],
  ["a HEIF without meta", () => concat([isoBox("ftyp", ascii("heic"), u32be(0)), isoBox("mdat", randomBytes(9))])],
  ["a HEIF without mdat", () => makeAvif(40, 30).subarray(0, -40)],
];

describe("inspectImage over ranged reads: the in-memory answer, for sniff.test.ts's files", () => {
  it.each(samples)("for %s", async (_name, make) => {
    expect((await expectInspectedAsWhole(await make())).ok).toBe(true);
  });

  it.each(brands)("for an ftyp with major brand %s and compatible %j", async (major, compatible) => {
    await expectInspectedAsWhole(avifWithBrands(major, compatible));
  });

  it.each(notImages)("refuses %s as it does in memory", async (_name, make) => {
    expect((await expectInspectedAsWhole(await make())).ok).toBe(false);
  });

  it.each(realFormats)("for every prefix of a %s, refused as in memory", async (_name, make) => {
    const bytes = await make();
    for (let length = 0; length <= bytes.length; length++) await expectInspectedAsWhole(truncate(bytes, length), undefined, [7, undefined]);
  });

  it.each(polyglots)("for %s", async (_name, make, extra) => {
    await expectInspectedAsWhole(appendBytes(await make(), extra));
  });

  it.each(hostile)("for %s", async (_name, make) => {
    await expectInspectedAsWhole(await make());
  });

  it("for random bytes, bare or behind each signature", async () => {
    const signatures = [
      new Uint8Array(), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), new Uint8Array([0xff, 0xd8, 0xff]),
      ascii("GIF89a"), concat([ascii("RIFF"), randomBytes(4), ascii("WEBP")]), concat([randomBytes(4), ascii("ftypavif")]),
    ];
    for (let i = 0; i < 300; i++) {
      const [length] = crypto.getRandomValues(new Uint16Array(1));
      await expectInspectedAsWhole(concat([signatures[i % signatures.length], randomBytes(length % 2048)]), undefined, [7, 100]);
    }
  });

  it.each(realFormats)("for a %s with random bytes overwritten", async (_name, make) => {
    const original = await make();
    for (let i = 0; i < 150; i++) {
      const bytes = original.slice();
      for (const position of crypto.getRandomValues(new Uint32Array(1 + (i % 4)))) bytes[position % bytes.length] = position >>> 24;
      await expectInspectedAsWhole(bytes, undefined, [7, undefined]);
    }
  });
});
