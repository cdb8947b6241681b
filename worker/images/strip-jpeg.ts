
import { asciiBytes, label, startsWith } from "./strip-rules";

/**
 * JPEG allow-list: the frame, table and scan segments (SOFn, DHT, DAC, DQT, DNL,
 * DRI, DHP, EXP, SOS and its entropy-coded data), JFIF without its thumbnail,
 * ICC_PROFILE (APP2), Adobe (APP14), and the first EXIF, which a viewer reads,
 * as a minimal block keeping only its orientation. Every other segment goes, and
 * so does everything after the primary image's EOI (MPF previews, gain maps).
 * The rules; strip-jpeg-stream.ts walks the file by them.
 */

/** SOF0–15 with DHT, JPG and DAC (C0–CF), then DQT, DNL, DRI, DHP and EXP (DB–DF). */
export const isCodingSegment = (marker: number) => (marker >= 0xc0 && marker <= 0xcf) || (marker >= 0xdb && marker <= 0xdf);

const jfifLength = 14; // "JFIF\0", version, units, densities, then a 0×0 thumbnail

/**
 * What becomes of a segment other than the coding ones and EXIF: kept as it is, replaced
 * by new bytes, or dropped (undefined); what goes is named in `removed`.
 */
export function otherSegment(marker: number, body: Uint8Array, removed: Set<string>): "keep" | Uint8Array | undefined {
  if (marker === 0xe0 && startsWith(body, "JFIF\0") && body.length >= jfifLength) {
    if (body.length === jfifLength && body[12] === 0 && body[13] === 0) return "keep";
    const segment = new Uint8Array(4 + jfifLength);
    segment.set([0xff, 0xe0, 0, 2 + jfifLength]);
    segment.set(body.subarray(0, 12), 4); // thumbnail width and height stay 0
    removed.add(label.thumbnail);
    return segment;
  }
  if ((marker === 0xe2 && startsWith(body, "ICC_PROFILE\0")) || (marker === 0xee && startsWith(body, "Adobe"))) return "keep";
  removed.add(dropped(marker, body));
  return undefined;
}

function dropped(marker: number, body: Uint8Array): string {
  if (marker === 0xe0 && startsWith(body, "JFXX\0")) return label.thumbnail;
  if (marker === 0xe1 && (startsWith(body, "http://ns.adobe.com/xap/1.0/\0") || startsWith(body, "http://ns.adobe.com/xmp/extension/\0"))) {
    return label.xmp;
  }
  if (marker === 0xe2 && startsWith(body, "MPF\0")) return label.previews;
  if (marker === 0xed) return label.iptc; // APP13: Photoshop resources, where IPTC lives
  if (marker === 0xfe) return label.comment;
  return label.other;
}

const exifHeader = asciiBytes("Exif\0\0");

export function exifSegment(tiff: Uint8Array): Uint8Array {
  const length = 2 + exifHeader.length + tiff.length;
  const segment = new Uint8Array(2 + length);
  segment.set([0xff, 0xe1, length >>> 8, length & 0xff]);
  segment.set(exifHeader, 4);
  segment.set(tiff, 4 + exifHeader.length);
  return segment;
}
