import { ascii, concat, randomBytes, u16be, u16le, u32be } from "./bytes";
import { jpegSegment } from "./jpeg-encoder";
import { exifTiff, makeGif, makeJpeg, makePng, pngChunk } from "./images";

/**
 * Files that carry metadata where a block-list does not look: each names a way
 * around stripping that an outside security test found (issue 14, finding 2).
 */

/** GIF data sub-blocks: 255 bytes at most each, then a zero-length terminator. */
const subBlocks = (data: Uint8Array) => {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += 255) parts.push(new Uint8Array([Math.min(255, data.length - at)]), data.subarray(at, at + 255));
  return concat([...parts, new Uint8Array([0])]);
};

const applicationExtension = (id: string, data: Uint8Array) => concat([new Uint8Array([0x21, 0xff, 11]), ascii(id), subBlocks(data)]);

/**
 * A GIF with what must stay (a NETSCAPE loop, an ICC profile, a graphic control
 * extension) and what must go (an XMP application extension, a comment, a plain
 * text extension, an unknown application extension), in front of its image.
 */
export function makeGifWithMetadata(width: number, height: number, opts: { comment: string; xmpCreator: string }) {
  const gif = makeGif(width, height);
  const afterPalette = 13 + 12; // header, screen descriptor, 4-colour global table
  const blocks = [
    applicationExtension("NETSCAPE2.0", new Uint8Array([1, 0, 0])),
    applicationExtension("ICCRGBG1012", iccWhitePointOnly()),
    applicationExtension("XMP DataXMP", ascii(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>${opts.xmpCreator}</dc:creator></x:xmpmeta>`)),
    concat([new Uint8Array([0x21, 0xfe]), subBlocks(ascii(opts.comment))]),
    concat([new Uint8Array([0x21, 0x01, 12]), u16le(0), u16le(0), u16le(8), u16le(8), new Uint8Array([8, 8, 1, 0]), subBlocks(ascii(opts.comment))]),
    applicationExtension("MYAPP   1.0", randomBytes(40)),
    new Uint8Array([0x21, 0xf9, 4, 0x04, 10, 0, 0, 0]), // graphic control: 100 ms, no transparency
  ];
  return {
    bytes: concat([gif.subarray(0, afterPalette), ...blocks, gif.subarray(afterPalette)]),
    /** What an allow-list leaves of it. */
    stripped: concat([gif.subarray(0, afterPalette), blocks[0], blocks[1], blocks[6], gif.subarray(afterPalette)]),
  };
}

/** A small ICC profile that readers accept: the 128-byte header and one tag, the D50 white point. */
function iccWhitePointOnly() {
  const icc = new Uint8Array(164);
  icc.set(u32be(icc.length));
  icc.set(u32be(0x04200000), 8);
  icc.set(ascii("mntrRGB XYZ "), 12);
  icc.set(ascii("acsp"), 36);
  icc.set(concat([u32be(1), ascii("wtpt"), u32be(144), u32be(20)]), 128);
  icc.set(concat([ascii("XYZ "), u32be(0), u32be(0xf6d6), u32be(0x10000), u32be(0xd32d)]), 144);
  return icc;
}

/** JPEG APP0 segments: JFIF with an RGB thumbnail, and a JFXX extension holding a whole JPEG thumbnail with its own EXIF. */
export function makeJpegWithThumbnails(width: number, height: number) {
  const jpeg = makeJpeg(width, height, [200, 120, 40]);
  const afterSoi = 2;
  const afterJfif = 4 + u16(jpeg, 4);
  const thumbnailWithExif = withSegments(makeJpeg(8, 8, [1, 2, 3]), [jpegSegment(0xe1, concat([ascii("Exif\0\0"), exifTiff({ orientation: 1 })]))]);
  const jfifWithThumbnail = jpegSegment(0xe0, concat([ascii("JFIF\0"), new Uint8Array([1, 2, 0, 0, 1, 0, 1, 2, 2]), randomBytes(12)])); // 2×2 RGB
  const jfxx = jpegSegment(0xe0, concat([ascii("JFXX\0"), new Uint8Array([0x10]), thumbnailWithExif]));
  return concat([jpeg.subarray(0, afterSoi), jfifWithThumbnail, jfxx, jpeg.subarray(afterJfif)]);
}

/** A JPEG whose EXIF header's pad byte is 0xff ("Exif\0\xff"), which readers accept like "Exif\0\0". */
export function makeJpegWithOddExifHeader(width: number, height: number, exif: Uint8Array) {
  return withSegments(makeJpeg(width, height, [20, 160, 90]), [jpegSegment(0xe1, concat([ascii("Exif\0"), new Uint8Array([0xff]), exif]))]);
}

/**
 * A JPEG followed by a second, complete JPEG with its own EXIF, indexed by an MPF
 * APP2 as cameras store previews (ExifTool shows it as MPImage2/PreviewImage).
 */
export function makeJpegWithTrailingPreview(width: number, height: number) {
  const preview = withSegments(makeJpeg(16, 16, [9, 9, 9]), [jpegSegment(0xe1, concat([ascii("Exif\0\0"), exifTiff({})]))]);
  const base = makeJpeg(width, height, [90, 90, 200]);
  const mpfAt = 4 + u16(base, 4) + 4 + 4; // after JFIF: marker, length, "MPF\0"; offsets count from here
  const mpf = (primarySize: number) => {
    const entry = (attributes: number, size: number, offset: number) => concat([u32be(attributes), u32be(size), u32be(offset), new Uint8Array(4)]);
    const ifdEntry = (tag: number, type: number, count: number, value: Uint8Array) => concat([u16be(tag), u16be(type), u32be(count), value]);
    return jpegSegment(0xe2, concat([
      ascii("MPF\0"), ascii("MM"), u16be(42), u32be(8), u16be(3),
      ifdEntry(0xb000, 7, 4, ascii("0100")), ifdEntry(0xb001, 4, 1, u32be(2)), ifdEntry(0xb002, 7, 32, u32be(50)), u32be(0),
      entry(0x20030000, primarySize, 0), entry(0x00010001, preview.length, primarySize - mpfAt), // primary, then a large thumbnail
    ]));
  };
  const primaryLength = withSegments(base, [mpf(0)]).length;
  return concat([withSegments(base, [mpf(primaryLength)]), preview]);
}

/** A PNG whose EXIF chunk is spelled `spelling` (exIf, EXIF…) and which carries an XMP `tXMP` chunk. */
export async function makePngWithOddChunks(width: number, height: number, spelling: string, exif: Uint8Array, xmp: string) {
  const png = await makePng(width, height, [10, 200, 30]);
  const afterIhdr = 8 + 25;
  return concat([png.subarray(0, afterIhdr), pngChunk(spelling, exif), pngChunk("tXMP", ascii(xmp)), png.subarray(afterIhdr)]);
}

/** Inserts segments after a JPEG's JFIF APP0. */
function withSegments(jpeg: Uint8Array, segments: Uint8Array[]) {
  const afterJfif = 4 + u16(jpeg, 4);
  return concat([jpeg.subarray(0, afterJfif), ...segments, jpeg.subarray(afterJfif)]);
}

const u16 = (bytes: Uint8Array, at: number) => (bytes[at] << 8) | bytes[at + 1];

