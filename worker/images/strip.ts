import { ascii, u16be, u32be, u32le } from "./bytes";
import { orientationTag, readExif, tiffShort, withoutExifHeader } from "./exif";
import type { ImageFormat } from "./sniff";

/**
 * Lossless removal of location and camera metadata: segments and chunks are
 * dropped or copied byte for byte, pixels are never decoded. Colour data (ICC,
 * sRGB, gamma, the Adobe transform) stays because dropping it changes how the
 * image looks; orientation stays, as a minimal EXIF, for the same reason.
 *
 * Left alone, knowingly:
 * - GIF has no EXIF, so no location or orientation; its rare XMP application
 *   extension and comment blocks are kept.
 * - AVIF/HEIC keep their metadata: EXIF and XMP there are ISO-BMFF items whose
 *   bytes iloc addresses by offset, so removing one means rewriting the box tree.
 * - Previews and gain maps stored after a JPEG's EOI (MPF, Ultra HDR) keep their
 *   own segments; and MPF offsets go stale if a segment after the MPF one is
 *   dropped (cameras write EXIF and XMP before it). Ultra HDR readers that need
 *   the primary's XMP fall back to showing the SDR image.
 *
 * The upload path has already validated the file, so a structure that does not
 * add up is returned unchanged rather than guessed at; this never throws.
 */

export interface StripResult {
  bytes: Uint8Array;
  /** Human-readable kinds of metadata removed; [] exactly when `bytes` is the input itself. */
  removed: string[];
}

export function stripMetadata(bytes: Uint8Array, format: ImageFormat): StripResult {
  return strippers[format]?.(bytes) ?? { bytes, removed: [] };
}

const strippers: Partial<Record<ImageFormat, (bytes: Uint8Array) => StripResult | undefined>> = {
  jpeg: stripJpeg,
  png: stripPng,
  webp: stripWebp,
};

const label = {
  gps: "GPS location",
  camera: "camera details (EXIF)",
  xmp: "XMP",
  iptc: "IPTC",
  comment: "comments",
  text: "text metadata",
} as const;

const exifHeader = "Exif\0\0";
const xmpHeader = "http://ns.adobe.com/xap/1.0/\0";
const extendedXmpHeader = "http://ns.adobe.com/xmp/extension/\0";

/** The output as kept input ranges and new pieces, joined with a single copy at the end. */
class Rebuild {
  readonly removed = new Set<string>();
  private readonly parts: Uint8Array[] = [];

  constructor(private readonly input: Uint8Array) {}

  keep(start: number, end: number): void {
    this.parts.push(this.input.subarray(start, end));
  }

  add(piece: Uint8Array): void {
    this.parts.push(piece);
  }

  /** Undefined when nothing was removed, so the caller hands back the input without copying it. */
  finish(): StripResult | undefined {
    if (this.removed.size === 0) return undefined;
    const bytes = new Uint8Array(this.parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of this.parts) {
      bytes.set(part, at);
      at += part.length;
    }
    return { bytes, removed: [...this.removed] };
  }
}

function stripJpeg(bytes: Uint8Array): StripResult | undefined {
  const out = new Rebuild(bytes);
  out.keep(0, 2);
  for (let at = 2; at < bytes.length; ) {
    const start = at;
    if (bytes[at] !== 0xff) return undefined;
    while (bytes[at] === 0xff) at++; // fill bytes may precede any marker
    const marker = bytes[at++];
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      out.keep(start, at); // standalone markers carry no length
      continue;
    }
    if (marker === 0x00 || marker === 0xd8 || marker === 0xd9 || at + 2 > bytes.length) return undefined;
    const end = at + u16be(bytes, at);
    if (end < at + 2 || end > bytes.length) return undefined;
    if (marker === 0xda) {
      out.keep(start, bytes.length); // the scans and anything after them are pixels: never touched
      return out.finish();
    }
    const body = bytes.subarray(at + 2, end);
    if (marker === 0xe1 && startsWith(body, exifHeader)) {
      const tiff = body.subarray(exifHeader.length);
      const replacement = replaceExif(tiff, out.removed);
      if (replacement === tiff) out.keep(start, end);
      else if (replacement) out.add(jpegExifSegment(replacement));
    } else if (marker === 0xe1 && (startsWith(body, xmpHeader) || startsWith(body, extendedXmpHeader))) {
      out.removed.add(label.xmp);
    } else if (marker === 0xed) {
      out.removed.add(label.iptc); // APP13: Photoshop resources, where IPTC lives
    } else if (marker === 0xfe) {
      out.removed.add(label.comment);
    } else {
      out.keep(start, end);
    }
    at = end;
  }
  return undefined; // no scan: not a JPEG we can vouch for
}

function stripPng(bytes: Uint8Array): StripResult | undefined {
  const out = new Rebuild(bytes);
  out.keep(0, 8);
  for (let at = 8; at + 12 <= bytes.length; ) {
    const end = at + 12 + u32be(bytes, at);
    if (end > bytes.length) return undefined;
    const type = ascii(bytes, at + 4);
    const data = bytes.subarray(at + 8, end - 4);
    if (type === "eXIf") {
      const tiff = withoutExifHeader(data);
      const replacement = replaceExif(tiff, out.removed);
      if (replacement === tiff) out.keep(at, end);
      else if (replacement) out.add(pngChunk("eXIf", replacement));
    } else if (type === "tEXt" || type === "zTXt") {
      out.removed.add(label.text);
    } else if (type === "iTXt") {
      out.removed.add(startsWith(data, "XML:com.adobe.xmp\0") ? label.xmp : label.text);
    } else {
      out.keep(at, end); // CRCs cover one chunk each, so kept chunks stay valid as they are
    }
    if (type === "IEND") {
      out.keep(end, bytes.length);
      return out.finish();
    }
    at = end;
  }
  return undefined;
}

const webpExifFlag = 0x08;
const webpXmpFlag = 0x04;

/**
 * Only the extended (VP8X) format may carry EXIF and XMP chunks. WebP has no
 * orientation of its own, but viewers that read EXIF honour it there, so a
 * minimal EXIF chunk stays when the photo needs turning.
 */
function stripWebp(bytes: Uint8Array): StripResult | undefined {
  const riffEnd = 8 + u32le(bytes, 4);
  if (riffEnd > bytes.length || riffEnd < 30 || ascii(bytes, 12) !== "VP8X") return undefined;
  const out = new Rebuild(bytes);
  out.keep(0, 12);
  let keepsExif = false;
  for (let at = 12; at < riffEnd; ) {
    if (at + 8 > riffEnd) return undefined;
    const size = u32le(bytes, at + 4);
    if (at + 8 + size > riffEnd) return undefined;
    const end = Math.min(at + 8 + size + (size & 1), riffEnd); // odd chunks carry a padding byte
    const type = ascii(bytes, at);
    if (type === "EXIF") {
      const tiff = withoutExifHeader(bytes.subarray(at + 8, at + 8 + size));
      const replacement = replaceExif(tiff, out.removed);
      if (replacement === tiff) out.keep(at, end);
      else if (replacement) out.add(riffChunk("EXIF", replacement));
      keepsExif ||= replacement !== undefined;
    } else if (type === "XMP ") {
      out.removed.add(label.xmp);
    } else {
      out.keep(at, end);
    }
    at = end;
  }
  out.keep(riffEnd, bytes.length);
  const result = out.finish();
  if (!result) return undefined;
  const view = new DataView(result.bytes.buffer);
  view.setUint32(4, riffEnd - 8 - (bytes.length - result.bytes.length), true);
  result.bytes[20] = (result.bytes[20] & ~(webpExifFlag | webpXmpFlag)) | (keepsExif ? webpExifFlag : 0);
  return result;
}

/**
 * What an EXIF block becomes: `tiff` itself when it already holds nothing but a
 * needed orientation, a minimal block when the photo needs turning, otherwise
 * nothing. Records what goes; an unreadable block goes whole, as camera data.
 */
function replaceExif(tiff: Uint8Array, removed: Set<string>): Uint8Array | undefined {
  const exif = readExif(tiff);
  const turns = exif !== undefined && exif.orientation >= 2 && exif.orientation <= 8;
  const replacement = turns ? orientationOnlyExif(exif.orientation, exif.littleEndian) : undefined;
  if (replacement && sameBytes(replacement, tiff)) return tiff;
  if (exif?.hasGps) removed.add(label.gps);
  if (!exif?.hasGps || exif.hasOtherTags) removed.add(label.camera);
  return replacement;
}

/** TIFF header, IFD0 with the one Orientation entry, no next IFD: 26 bytes, in the original byte order. */
function orientationOnlyExif(orientation: number, littleEndian: boolean): Uint8Array {
  const tiff = new Uint8Array(26);
  const view = new DataView(tiff.buffer);
  tiff.set(littleEndian ? [0x49, 0x49] : [0x4d, 0x4d]);
  view.setUint16(2, 42, littleEndian);
  view.setUint32(4, 8, littleEndian);
  view.setUint16(8, 1, littleEndian);
  view.setUint16(10, orientationTag, littleEndian);
  view.setUint16(12, tiffShort, littleEndian);
  view.setUint32(14, 1, littleEndian);
  view.setUint16(18, orientation, littleEndian);
  return tiff;
}

function jpegExifSegment(tiff: Uint8Array): Uint8Array {
  const length = 2 + exifHeader.length + tiff.length;
  const segment = new Uint8Array(2 + length);
  segment.set([0xff, 0xe1, length >>> 8, length & 0xff]);
  segment.set(asciiBytes(exifHeader), 4);
  segment.set(tiff, 4 + exifHeader.length);
  return segment;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(asciiBytes(type), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

function riffChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(8 + data.length + (data.length & 1));
  chunk.set(asciiBytes(type));
  new DataView(chunk.buffer).setUint32(4, data.length, true);
  chunk.set(data, 8);
  return chunk;
}


const startsWith = (bytes: Uint8Array, text: string) => ascii(bytes, 0, text.length) === text;

const asciiBytes = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** Bitwise CRC-32 (PNG's): it only ever covers a 30-byte eXIf chunk, so a table would not pay. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
