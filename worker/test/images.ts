import { BitWriter, ascii, concat, crc32, randomBytes, u16be, u16le, u24le, u32be, u32le } from "./bytes";
import { encodeJpeg, jpegSegment } from "./jpeg-encoder";

/**
 * Test images built inside workerd, where node:zlib, pngjs and Buffer are missing.
 * Each call returns unique bytes (uploads are deduplicated by SHA-256, so tests
 * must never share one); the noise lives in pixel data, not in metadata a
 * stripping step could remove.
 */

type Rgb = [number, number, number];

/** A one-colour 8-bit RGB PNG; `deterministic` drops the noise for byte-exact comparisons. */
export async function makePng(width: number, height: number, rgb: Rgb, opts: { deterministic?: boolean } = {}): Promise<Uint8Array> {
  const rowLength = 1 + width * 3; // each scanline starts with filter type 0
  const pixels = new Uint8Array(rowLength * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels.set(rgb, y * rowLength + 1 + x * 3);
  }
  // Flipping the low two bits of the first 64 pixels is invisible yet gives up to 384 random bits.
  const noisy = opts.deterministic ? 0 : Math.min(64, width * height);
  const noise = randomBytes(noisy * 3);
  for (let i = 0; i < noisy * 3; i++) {
    const pixel = Math.floor(i / 3);
    pixels[Math.floor(pixel / width) * rowLength + 1 + (pixel % width) * 3 + (i % 3)] ^= noise[i] & 3;
  }
  return png(width, height, await deflate(pixels));
}

/** An RGB PNG of random pixels: it does not compress, so its size is about width × height × 3 (a large file, cheaply). */
export async function makeNoisePng(width: number, height: number): Promise<Uint8Array> {
  const pixels = new Uint8Array((1 + width * 3) * height);
  for (let offset = 0; offset < pixels.length; offset += 65_536) crypto.getRandomValues(pixels.subarray(offset, offset + 65_536));
  for (let y = 0; y < height; y++) pixels[y * (1 + width * 3)] = 0;
  return png(width, height, await deflate(pixels));
}

/** A PNG whose header claims any size over one byte of pixel data: a pixel flood. */
export function pngHeaderClaiming(width: number, height: number): Uint8Array {
  const oneZeroByte = new Uint8Array([0x78, 0x01, 0x01, 0x01, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x01, 0x00, 0x01]); // stored zlib block
  return png(width, height, oneZeroByte);
}

function png(width: number, height: number, idat: Uint8Array): Uint8Array {
  const header = concat([u32be(width), u32be(height), new Uint8Array([8, 2, 0, 0, 0])]); // 8-bit RGB
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return concat([signature, pngChunk("IHDR", header), pngChunk("IDAT", idat), pngChunk("IEND", new Uint8Array())]);
}

export function pngChunk(type: string, body: Uint8Array): Uint8Array {
  const typed = concat([ascii(type), body]);
  return concat([u32be(body.length), typed, u32be(crc32(typed))]);
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const compressed = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(compressed).arrayBuffer());
}

/** A one-colour baseline JPEG with invisible noise in its first four blocks. */
export function makeJpeg(width: number, height: number, rgb: Rgb): Uint8Array {
  return encodeJpeg(width, height, rgb, { noisyBlocks: 4 });
}

/** A JPEG whose frame header claims any size over a single block of data. */
export function jpegClaiming(width: number, height: number): Uint8Array {
  return encodeJpeg(width, height, [128, 128, 128], { noisyBlocks: 1, maxBlocks: 1 });
}

/** A GIF with a random 4-colour palette and random first 64 pixels. */
export function makeGif(width: number, height: number): Uint8Array {
  const pixels = new Uint8Array(width * height);
  pixels.set(randomBytes(Math.min(64, pixels.length)).map((byte) => byte & 3));
  return gif(width, height, randomBytes(12), lzwUncompressed(pixels));
}

/** A GIF whose screen and frame claim any size over no pixel data at all. */
export function gifClaiming(width: number, height: number): Uint8Array {
  return gif(width, height, randomBytes(12), lzwUncompressed(new Uint8Array()));
}

function gif(width: number, height: number, palette: Uint8Array, lzw: Uint8Array): Uint8Array {
  const subBlocks: Uint8Array[] = [];
  for (let at = 0; at < lzw.length; at += 255) {
    const block = lzw.subarray(at, at + 255);
    subBlocks.push(new Uint8Array([block.length]), block);
  }
  return concat([
    ascii("GIF89a"), u16le(width), u16le(height), new Uint8Array([0x81, 0, 0]), palette, // 4-colour global table
    new Uint8Array([0x2c]), u16le(0), u16le(0), u16le(width), u16le(height), new Uint8Array([0]),
    new Uint8Array([2]), ...subBlocks, new Uint8Array([0]), // LZW minimum code size 2
    new Uint8Array([0x3b]),
  ]);
}

/**
 * LZW with 3-bit codes that never grow: a clear code (4) before every second
 * pixel keeps the table below 8 entries. End of information is 5.
 */
function lzwUncompressed(pixels: Uint8Array): Uint8Array {
  const out = new BitWriter("lsb-first");
  pixels.forEach((pixel, i) => {
    if (i % 2 === 0) out.write(4, 3);
    out.write(pixel, 3);
  });
  out.write(5, 3);
  return out.finish(0);
}

/**
 * A WebP with correct RIFF and chunk sizes and dimension fields but a random
 * bitstream: valid as far as a header sniffer looks, not decodable. VP8X also
 * carries a VP8L chunk, capped at VP8L's 16384 px, as real files carry image data.
 */
export function makeWebp(width: number, height: number, kind: "vp8" | "vp8l" | "vp8x"): Uint8Array {
  const vp8l = (w: number, h: number) =>
    riffChunk("VP8L", concat([new Uint8Array([0x2f]), u32le((w - 1) | ((h - 1) << 14)), randomBytes(16)]));
  const chunks = {
    vp8: () => [riffChunk("VP8 ", concat([u24le((1 << 4) | (16 << 5)), new Uint8Array([0x9d, 0x01, 0x2a]), u16le(width), u16le(height), randomBytes(16)]))],
    vp8l: () => [vp8l(width, height)],
    vp8x: () => [
      riffChunk("VP8X", concat([new Uint8Array(4), u24le(width - 1), u24le(height - 1)])),
      vp8l(Math.min(width, 16384), Math.min(height, 16384)),
    ],
  }[kind]();
  const body = concat([ascii("WEBP"), ...chunks]);
  return concat([ascii("RIFF"), u32le(body.length), body]);
}

export const riffChunk = (fourcc: string, data: Uint8Array) =>
  concat([ascii(fourcc), u32le(data.length), data, new Uint8Array(data.length & 1)]);

/** An AVIF with its size in the primary item's ispe and a random mdat: box-valid, not decodable. */
export function makeAvif(width: number, height: number): Uint8Array {
  return avifWithBrands("avif", ["avif", "mif1", "miaf"], width, height);
}

export function avifWithBrands(major: string, compatible: string[], width = 64, height = 48): Uint8Array {
  return heif(major, compatible, [ispe(width, height)], [[1, [1]]]);
}

/** A HEIC laid out as phones write it: a 512×512 tile's ispe comes before the primary grid's. */
export function makeHeic(width: number, height: number): Uint8Array {
  return heif("heic", ["mif1", "heic"], [ispe(512, 512), ispe(width, height)], [[2, [1]], [1, [2]]]);
}

/** A HEIC whose primary item is turned for display: `irot` turns (anticlockwise quarter turns), then `imir` if given. */
export function makeTurnedHeic(width: number, height: number, transform: { irot?: number; imir?: 0 | 1 }): Uint8Array {
  const properties = [ispe(width, height)];
  if (transform.irot !== undefined) properties.push(isoBox("irot", new Uint8Array([transform.irot])));
  if (transform.imir !== undefined) properties.push(isoBox("imir", new Uint8Array([transform.imir])));
  return heif("heic", ["mif1", "heic"], properties, [[1, properties.map((_, i) => i + 1)]]);
}

/** ftyp, then meta with primary item 1 and its properties (ipma: item id → 1-based ipco indexes), then mdat. */
function heif(major: string, compatible: string[], properties: Uint8Array[], associations: [number, number[]][]) {
  const ipma = associations.map(([item, indexes]) => concat([u16be(item), new Uint8Array([indexes.length, ...indexes])]));
  return concat([
    isoBox("ftyp", ascii(major), u32be(0), ...compatible.map(ascii)),
    fullBox("meta",
      fullBox("hdlr", u32be(0), ascii("pict"), new Uint8Array(13)),
      fullBox("pitm", u16be(1)),
      isoBox("iprp", isoBox("ipco", ...properties), fullBox("ipma", u32be(associations.length), ...ipma)),
    ),
    isoBox("mdat", randomBytes(32)),
  ]);
}

export function isoBox(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = concat(payload);
  return concat([u32be(8 + body.length), ascii(type), body]);
}

/** A version 0 FullBox with no flags. */
const fullBox = (type: string, ...payload: Uint8Array[]) => isoBox(type, new Uint8Array(4), ...payload);
const ispe = (width: number, height: number) => fullBox("ispe", u32be(width), u32be(height));

export const appendBytes = (image: Uint8Array, extra: Uint8Array) => concat([image, extra]);
export const truncate = (bytes: Uint8Array, length: number) => bytes.slice(0, length);

export const svgWithScript = () =>
  ascii('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.domain)</script></svg>');

export const htmlDocument = () =>
  ascii("<!DOCTYPE html>\n<html><body><script>fetch('/auth/me').then((r) => r.text()).then(alert)</script></body></html>");

/** The smallest valid ZIP: an empty archive's end-of-central-directory record. */
export const zipBytes = () => concat([new Uint8Array([0x50, 0x4b, 0x05, 0x06]), new Uint8Array(18)]);

/** Strings planted in test metadata, for asserting they are gone after stripping. */
export const planted = {
  make: "PlantedCam",
  model: "PC-1 Mark II",
  xmp: "xap/1.0",
  extendedXmp: "xmp/extension",
  iptc: "Photoshop 3.0",
  city: "Springfield",
  comment: "shot from my bedroom window",
  author: "Jane Q. Public",
} as const;

export interface ExifOptions {
  littleEndian?: boolean;
  orientation?: number;
  camera?: boolean;
  gps?: boolean;
  /** EXIF date strings ("2024:05:06 07:08:09"): original and digitized (with offsets) in the Exif sub-IFD, modified in IFD0. */
  dates?: { original?: string; offsetOriginal?: string; digitized?: string; modified?: string };
}

const tiffType = { ascii: 2, short: 3, long: 4, rational: 5 } as const;
type TiffEntry = [tag: number, type: number, value: number | Uint8Array];

/**
 * A TIFF-structured EXIF block as a phone writes it: IFD0 with Make, Model,
 * Orientation and a GPS IFD pointer, the GPS IFD holding a latitude and longitude.
 */
export function exifTiff({ littleEndian = false, orientation, camera = true, gps = true, dates }: ExifOptions = {}): Uint8Array {
  const tiff = new Uint8Array(1024);
  const view = new DataView(tiff.buffer);
  tiff.set(ascii(littleEndian ? "II" : "MM"));
  view.setUint16(2, 42, littleEndian);
  const rationals = (...values: number[]) => {
    const bytes = new DataView(new ArrayBuffer(values.length * 8));
    values.forEach((value, i) => {
      bytes.setUint32(i * 8, Math.round(value * 100), littleEndian);
      bytes.setUint32(i * 8 + 4, 100, littleEndian);
    });
    return new Uint8Array(bytes.buffer);
  };
  // The GPS IFD goes first, at offset 8, so IFD0 can point at it without a second pass.
  const gpsEnd = !gps ? 8 : writeIfd(view, 8, littleEndian, [
    [1, tiffType.ascii, ascii("N\0")], [2, tiffType.rational, rationals(52, 31, 12.34)],
    [3, tiffType.ascii, ascii("E\0")], [4, tiffType.rational, rationals(13, 24, 56.78)],
  ]);
  const text = (value: string) => ascii(`${value}\0`);
  const exifIfd: TiffEntry[] = [
    ...(dates?.original ? ([[0x9003, tiffType.ascii, text(dates.original)]] as TiffEntry[]) : []),
    ...(dates?.digitized ? ([[0x9004, tiffType.ascii, text(dates.digitized)]] as TiffEntry[]) : []),
    ...(dates?.offsetOriginal ? ([[0x9011, tiffType.ascii, text(dates.offsetOriginal)]] as TiffEntry[]) : []),
  ];
  const exifEnd = exifIfd.length ? writeIfd(view, gpsEnd, littleEndian, exifIfd) : gpsEnd;
  view.setUint32(4, exifEnd, littleEndian);
  const end = writeIfd(view, exifEnd, littleEndian, [
    ...(camera ? ([[0x010f, tiffType.ascii, ascii(`${planted.make}\0`)], [0x0110, tiffType.ascii, ascii(`${planted.model}\0`)]] as TiffEntry[]) : []),
    ...(orientation === undefined ? [] : ([[0x0112, tiffType.short, orientation]] as TiffEntry[])),
    ...(dates?.modified ? ([[0x0132, tiffType.ascii, text(dates.modified)]] as TiffEntry[]) : []),
    ...(exifIfd.length ? ([[0x8769, tiffType.long, gpsEnd]] as TiffEntry[]) : []),
    ...(gps ? ([[0x8825, tiffType.long, 8]] as TiffEntry[]) : []),
  ]);
  return tiff.slice(0, end);
}

/** Writes an IFD (entries sorted by tag, next-IFD 0) and its out-of-line values; returns where they end. */
function writeIfd(view: DataView, at: number, littleEndian: boolean, entries: TiffEntry[]): number {
  view.setUint16(at, entries.length, littleEndian);
  let valuesAt = at + 2 + entries.length * 12 + 4;
  entries.forEach(([tag, type, value], i) => {
    const entry = at + 2 + i * 12;
    view.setUint16(entry, tag, littleEndian);
    view.setUint16(entry + 2, type, littleEndian);
    if (typeof value === "number") {
      view.setUint32(entry + 4, 1, littleEndian);
      if (type === tiffType.short) view.setUint16(entry + 8, value, littleEndian);
      else view.setUint32(entry + 8, value, littleEndian);
      return;
    }
    view.setUint32(entry + 4, type === tiffType.rational ? value.length / 8 : value.length, littleEndian);
    if (value.length <= 4) {
      new Uint8Array(view.buffer).set(value, entry + 8);
    } else {
      view.setUint32(entry + 8, valuesAt, littleEndian);
      new Uint8Array(view.buffer).set(value, valuesAt);
      valuesAt += value.length + (value.length & 1);
    }
  });
  return valuesAt;
}

const xmpPacket = () =>
  ascii(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="52,31.2N"/></rdf:RDF></x:xmpmeta>`);

/** A stand-in ICC profile: only its bytes surviving untouched matters here. */
export const iccProfile = () => concat([ascii("test ICC profile "), randomBytes(300)]); // odd length: exercises WebP padding

export interface JpegMetadata {
  exif?: Uint8Array;
  xmp?: boolean;
  iptc?: boolean;
  comment?: boolean;
}

/**
 * A JPEG carrying the given metadata after its JFIF segment, next to what must
 * stay: an ICC profile in two APP2 chunks and an Adobe APP14.
 */
export function makeJpegWithMetadata(width: number, height: number, { exif, xmp = true, iptc = true, comment = true }: JpegMetadata = {}): Uint8Array {
  const jpeg = makeJpeg(width, height, [40, 90, 200]);
  const afterJfif = 4 + ((jpeg[4] << 8) | jpeg[5]);
  const icc = iccProfile();
  const iccChunk = (sequence: number, part: Uint8Array) => jpegSegment(0xe2, concat([ascii("ICC_PROFILE\0"), new Uint8Array([sequence, 2]), part]));
  const iptcRecord = concat([new Uint8Array([0x1c, 0x02, 0x5a]), u16be(planted.city.length), ascii(planted.city)]); // 2:90 City
  const segments = [
    exif && jpegSegment(0xe1, concat([ascii("Exif\0\0"), exif])),
    xmp && jpegSegment(0xe1, concat([ascii("http://ns.adobe.com/xap/1.0/\0"), xmpPacket()])),
    xmp && jpegSegment(0xe1, concat([ascii("http://ns.adobe.com/xmp/extension/\0"), ascii("0".repeat(32)), u32be(64), u32be(0), randomBytes(64)])),
    iccChunk(1, icc.subarray(0, 150)),
    iccChunk(2, icc.subarray(150)),
    iptc && jpegSegment(0xed, concat([ascii("Photoshop 3.0\x008BIM"), new Uint8Array([0x04, 0x04, 0, 0]), u32be(iptcRecord.length), iptcRecord, new Uint8Array(iptcRecord.length & 1)])),
    jpegSegment(0xee, concat([ascii("Adobe"), new Uint8Array([0, 100, 0, 0, 0, 0, 1])])), // transform 1: YCbCr
    comment && jpegSegment(0xfe, ascii(planted.comment)),
  ].filter((segment): segment is Uint8Array => segment instanceof Uint8Array);
  return concat([jpeg.subarray(0, afterJfif), ...segments, jpeg.subarray(afterJfif)]);
}

/** A PNG with eXIf and, unless `text` is false, tEXt, zTXt and an XMP iTXt; iCCP and pHYs always. */
export async function makePngWithMetadata(width: number, height: number, { exif, text = true }: { exif?: Uint8Array; text?: boolean } = {}) {
  const png = await makePng(width, height, [40, 90, 200]);
  const afterIhdr = 8 + 25;
  const chunks = [
    pngChunk("iCCP", concat([ascii("ICC profile\0\0"), await deflate(iccProfile())])),
    pngChunk("pHYs", concat([u32be(2835), u32be(2835), new Uint8Array([1])])),
    exif && pngChunk("eXIf", exif),
    text && pngChunk("tEXt", ascii(`Author\0${planted.author}`)),
    text && pngChunk("zTXt", concat([ascii("Comment\0\0"), await deflate(ascii(planted.comment))])),
    text && pngChunk("iTXt", concat([ascii("XML:com.adobe.xmp\0\0\0\0\0"), xmpPacket()])),
  ].filter((chunk): chunk is Uint8Array => chunk instanceof Uint8Array);
  return concat([png.subarray(0, afterIhdr), ...chunks, png.subarray(afterIhdr)]);
}

/**
 * An extended WebP laid out as the spec orders it: VP8X, ICCP, image, EXIF,
 * XMP, with VP8X flags saying which are there. The ICC profile and XMP have odd
 * lengths, so their padding bytes are exercised.
 */
export function makeWebpWithMetadata(width: number, height: number, { exif, xmp = true }: { exif?: Uint8Array; xmp?: boolean } = {}) {
  const webp = makeWebp(width, height, "vp8x");
  const vp8x = webp.slice(12, 30);
  vp8x[8] |= 0x20 | (exif ? 0x08 : 0) | (xmp ? 0x04 : 0); // ICC, EXIF, XMP
  const body = concat([
    ascii("WEBP"), vp8x, riffChunk("ICCP", iccProfile()), webp.subarray(30),
    exif ? riffChunk("EXIF", exif) : new Uint8Array(),
    xmp ? riffChunk("XMP ", concat([xmpPacket(), ascii(" ")])) : new Uint8Array(), // 157 bytes: padded
  ]);
  return concat([ascii("RIFF"), u32le(body.length), body]);
}
