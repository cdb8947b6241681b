import { ascii } from "./bytes";
import { orientationTag, readExif, tiffShort } from "./exif";

/**
 * What every format's allow-list shares: how `removed` names what went, and the EXIF
 * rule (the block a viewer reads stays only as its orientation).
 */

/** The kinds of metadata `removed` names, as the image's owner reads them. */
export const label = {
  gps: "GPS location",
  camera: "camera details (EXIF)",
  thumbnail: "embedded thumbnail",
  previews: "embedded preview images",
  xmp: "XMP",
  iptc: "IPTC",
  comment: "comments",
  text: "text metadata",
  other: "other metadata",
} as const;

/** Names what an EXIF block held, for `removed`; an unreadable block counts as camera details. */
export function labelExif(tiff: Uint8Array, removed: Set<string>): void {
  const exif = readExif(tiff);
  if (exif?.hasGps) removed.add(label.gps);
  if (exif?.hasThumbnail) removed.add(label.thumbnail);
  if (!exif || exif.hasOtherTags || (!exif.hasGps && !exif.hasThumbnail)) removed.add(label.camera);
}

/**
 * What the EXIF block a viewer reads becomes: `tiff` itself when it already holds
 * nothing but a needed orientation, a minimal block when the photo needs turning,
 * otherwise nothing. Records what goes.
 */
export function keptExif(tiff: Uint8Array, removed: Set<string>): Uint8Array | undefined {
  const exif = readExif(tiff);
  const turns = exif !== undefined && exif.orientation >= 2 && exif.orientation <= 8;
  const replacement = turns ? orientationOnlyExif(exif.orientation, exif.littleEndian) : undefined;
  if (replacement && sameBytes(replacement, tiff)) return tiff;
  labelExif(tiff, removed);
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

export const startsWith = (bytes: Uint8Array, text: string) => ascii(bytes, 0, text.length) === text;

export const asciiBytes = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
