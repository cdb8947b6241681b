import { u16be } from "./bytes";
import { skipEntropyCodedData } from "./headers";
import { Rebuild, type StripResult, asciiBytes, keptExif, label, labelExif, startsWith, unreadable } from "./rebuild";

/**
 * JPEG allow-list: the frame, table and scan segments (SOFn, DHT, DAC, DQT, DNL,
 * DRI, DHP, EXP, SOS and its entropy-coded data), JFIF without its thumbnail,
 * ICC_PROFILE (APP2), Adobe (APP14), and the first EXIF, which a viewer reads,
 * as a minimal block keeping only its orientation. Every other segment goes, and
 * so does everything after the primary image's EOI (MPF previews, gain maps).
 */
export function stripJpeg(bytes: Uint8Array): StripResult {
  const out = new Rebuild(bytes);
  out.keep(0, 2);
  let exifSeen = false;
  for (let at = 2; at < bytes.length; ) {
    const start = at;
    if (bytes[at] !== 0xff) return unreadable("JPEG");
    while (bytes[at] === 0xff) at++; // fill bytes may precede any marker
    const marker = bytes[at++];
    if (marker === 0xd9) {
      out.keep(start, at);
      // A little zero padding may follow; anything else is another image (MPF preview, gain map).
      if (at < bytes.length && bytes.subarray(at).some((byte) => byte !== 0)) out.removed.add(label.previews);
      else out.keep(at, bytes.length);
      return out.finish();
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      out.keep(start, at); // standalone markers carry no length
      continue;
    }
    if (marker === undefined || marker === 0x00 || marker === 0xd8 || at + 2 > bytes.length) return unreadable("JPEG");
    const end = at + u16be(bytes, at);
    if (end < at + 2 || end > bytes.length) return unreadable("JPEG");
    if (marker === 0xda) {
      at = skipEntropyCodedData(bytes, end);
      out.keep(start, at); // the scan and its coded data are pixels: copied as they are
      continue;
    }
    const body = bytes.subarray(at + 2, end);
    if (isCodingSegment(marker)) {
      out.keep(start, end);
    } else if (marker === 0xe1 && startsWith(body, "Exif\0")) {
      // "Exif\0" then a pad byte that writers do not all set to zero: viewers read either.
      const tiff = body.subarray(6);
      if (exifSeen) {
        labelExif(tiff, out.removed);
      } else {
        exifSeen = true;
        const replacement = keptExif(tiff, out.removed);
        if (replacement === tiff) out.keep(start, end);
        else if (replacement) out.add(exifSegment(replacement));
      }
    } else {
      keepOrDrop(out, marker, body, start, end);
    }
    at = end;
  }
  return unreadable("JPEG"); // no EOI
}

/** SOF0–15 with DHT, JPG and DAC (C0–CF), then DQT, DNL, DRI, DHP and EXP (DB–DF). */
export const isCodingSegment = (marker: number) => (marker >= 0xc0 && marker <= 0xcf) || (marker >= 0xdb && marker <= 0xdf);

const jfifLength = 14; // "JFIF\0", version, units, densities, then a 0×0 thumbnail

export function keepOrDrop(out: Rebuild, marker: number, body: Uint8Array, start: number, end: number): void {
  if (marker === 0xe0 && startsWith(body, "JFIF\0") && body.length >= jfifLength) {
    if (body.length === jfifLength && body[12] === 0 && body[13] === 0) {
      out.keep(start, end);
      return;
    }
    const segment = new Uint8Array(4 + jfifLength);
    segment.set([0xff, 0xe0, 0, 2 + jfifLength]);
    segment.set(body.subarray(0, 12), 4); // thumbnail width and height stay 0
    out.add(segment);
    out.removed.add(label.thumbnail);
  } else if ((marker === 0xe2 && startsWith(body, "ICC_PROFILE\0")) || (marker === 0xee && startsWith(body, "Adobe"))) {
    out.keep(start, end);
  } else {
    out.removed.add(dropped(marker, body));
  }
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
