import { ascii, u16be, u16le, u32be, u32le } from "./bytes";

/** What the codecs need of an EXIF block: its byte order, the orientation, and whether it holds more. */
export interface ExifSummary {
  littleEndian: boolean;
  orientation: number;
  hasGps: boolean;
  /** A second IFD: where EXIF keeps its embedded thumbnail. */
  hasThumbnail: boolean;
  /** Anything in IFD0 but orientation and the GPS pointer. */
  hasOtherTags: boolean;
}

export const orientationTag = 0x0112;
const gpsIfdTag = 0x8825;
export const tiffShort = 3;

/** Reads IFD0 of a TIFF-structured EXIF block; undefined when it does not add up. */
export function readExif(tiff: Uint8Array): ExifSummary | undefined {
  const littleEndian = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!littleEndian && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return undefined;
  const u16 = littleEndian ? u16le : u16be;
  const u32 = littleEndian ? u32le : u32be;
  if (tiff.length < 8 || u16(tiff, 2) !== 42) return undefined;
  const ifd = u32(tiff, 4);
  if (ifd + 2 > tiff.length) return undefined;
  const entriesEnd = ifd + 2 + 12 * u16(tiff, ifd);
  if (entriesEnd > tiff.length) return undefined;
  const summary = { littleEndian, orientation: 1, hasGps: false, hasThumbnail: false, hasOtherTags: false };
  for (let entry = ifd + 2; entry < entriesEnd; entry += 12) {
    const tag = u16(tiff, entry);
    if (tag === orientationTag && u16(tiff, entry + 2) === tiffShort) summary.orientation = u16(tiff, entry + 8);
    else if (tag === gpsIfdTag) summary.hasGps = true;
    else summary.hasOtherTags = true;
  }
  // Some writers omit the next-IFD offset after the last IFD; a missing one means none.
  if (entriesEnd + 4 <= tiff.length && u32(tiff, entriesEnd) !== 0) summary.hasThumbnail = true;
  return summary;
}

/** EXIF orientation 1–8; anything else (absent, unreadable, out of range) is 1, as viewers treat it. */
/** The orientation an EXIF TIFF block gives (1 when there is none, or none in range). */
export function orientationOf(tiff: Uint8Array | undefined): number {
  const orientation = tiff ? readExif(tiff)?.orientation : undefined;
  return orientation !== undefined && orientation >= 1 && orientation <= 8 ? orientation : 1;
}

/** The PNG and WebP specs store bare TIFF, but some writers keep JPEG's "Exif\0\0" prefix. */
export const withoutExifHeader = (data: Uint8Array) => (ascii(data, 0, 6) === "Exif\0\0" ? data.subarray(6) : data);
