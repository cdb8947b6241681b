import { u16be, u16le, u32be, u32le } from "./bytes";
import type { MetadataBlocks } from "./metadata-blocks";

/**
 * When a photo was taken, as its camera or editor recorded it. EXIF times carry no
 * zone unless an OffsetTime* tag says so: they are the wall clock the camera showed,
 * and are kept that way (`local`) so a gallery shows the date the camera showed.
 */
export interface CaptureTime {
  /** The wall-clock time, held in a Date's UTC fields (no zone applied), whole seconds. */
  local: Date;
  /** Minutes east of UTC when the file records it (e.g. 120 for +02:00); undefined when it does not. */
  offsetMinutes?: number;
}

type Candidate = { text: string; offset?: string } | undefined;

const tags = {
  exifIfd: 0x8769,
  dateTime: 0x0132,
  dateTimeOriginal: 0x9003,
  createDate: 0x9004,
  offsetTime: 0x9010,
  offsetTimeOriginal: 0x9011,
  offsetTimeDigitized: 0x9012,
};
const maxEntries = 512;
const oneDayMs = 24 * 60 * 60 * 1000;

/**
 * The first plausible of, in order: EXIF DateTimeOriginal, XMP exif:DateTimeOriginal,
 * XMP photoshop:DateCreated, EXIF CreateDate, XMP xmp:CreateDate, IFD0 DateTime.
 * Dates before 1900 or more than a day after `now` are ignored (cameras with unset
 * clocks write 0000:00:00 or 1970; some write garbage). Never throws.
 */
export function readCaptureTime(blocks: MetadataBlocks, now: Date): CaptureTime | undefined {
  const exif = blocks.exif ? readExifDates(blocks.exif) : {};
  const xmp = blocks.xmp ? new TextDecoder().decode(blocks.xmp) : "";
  const candidates: (() => Candidate)[] = [
    () => exif.original,
    () => xmpProperty(xmp, "exif:DateTimeOriginal"),
    () => xmpProperty(xmp, "photoshop:DateCreated"),
    () => exif.digitized,
    () => xmpProperty(xmp, "xmp:CreateDate"),
    () => exif.modified,
  ];
  for (const candidate of candidates) {
    const found = candidate();
    const parsed = found && parseDateTime(found.text, found.offset);
    if (parsed && isPlausible(parsed, now)) return parsed;
  }
  return undefined;
}

/** After 1900 and not in the future (a day's slack for time zones): what a capture time may be. */
export function isPlausible({ local, offsetMinutes }: CaptureTime, now: Date): boolean {
  const instant = local.getTime() - (offsetMinutes ?? 0) * 60_000;
  return local.getUTCFullYear() >= 1900 && instant <= now.getTime() + oneDayMs;
}

/**
 * "2024:05:06 07:08:09" (EXIF) or ISO 8601 as XMP writes it ("2024-05-06T07:08:09.5+02:00",
 * "2024-05-06T07:08", "2024-05-06"); the offset may also come separately (EXIF OffsetTime*).
 */
function parseDateTime(text: string, separateOffset?: string): CaptureTime | undefined {
  const match = /^\s*(\d{4})[:-](\d{2})[:-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/.exec(text.replace(/\0+$/, ""));
  if (!match) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2024-02-31 over into March; a real calendar date survives the round trip.
  const valid = local.getUTCMonth() === month - 1 && local.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  if (!valid || year < 100) return undefined; // Date.UTC maps years 0–99 to 1900–1999
  const offsetMinutes = parseOffset(match[7] ?? separateOffset);
  return offsetMinutes === undefined ? { local } : { local, offsetMinutes };
}

function parseOffset(text: string | undefined): number | undefined {
  if (!text) return undefined;
  if (text.trim() === "Z") return 0;
  const match = /^\s*([+-])(\d{2}):?(\d{2})\s*\0*$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  if (Number(match[3]) >= 60 || minutes > 14 * 60) return undefined;
  return match[1] === "-" ? -minutes : minutes;
}

/** The conventional prefix, as an attribute (exif:DateTimeOriginal="…") or an element (<exif:DateTimeOriginal>…<). */
function xmpProperty(xmp: string, name: string): Candidate {
  if (!xmp.includes(name)) return undefined;
  const attribute = new RegExp(`\\b${name}\\s*=\\s*["']([^"'<>]{4,48})["']`).exec(xmp);
  const element = attribute ? undefined : new RegExp(`<${name}>\\s*([^<]{4,48}?)\\s*</${name}>`).exec(xmp);
  const text = (attribute ?? element)?.[1];
  return text === undefined ? undefined : { text };
}

interface ExifDates {
  original?: { text: string; offset?: string };
  digitized?: { text: string; offset?: string };
  modified?: { text: string; offset?: string };
}

/** DateTime from IFD0, DateTimeOriginal and CreateDate (and their OffsetTime*) from the Exif sub-IFD. */
function readExifDates(tiff: Uint8Array): ExifDates {
  const littleEndian = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!littleEndian && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return {};
  const u16 = littleEndian ? u16le : u16be;
  const u32 = littleEndian ? u32le : u32be;
  if (tiff.length < 8 || u16(tiff, 2) !== 42) return {};

  const readIfd = (at: number) => {
    const values = new Map<number, string | number>();
    if (at + 2 > tiff.length) return values;
    const count = Math.min(u16(tiff, at), maxEntries);
    for (let entry = at + 2; entry + 12 <= tiff.length && entry < at + 2 + 12 * count; entry += 12) {
      const tag = u16(tiff, entry);
      const type = u16(tiff, entry + 2);
      const length = u32(tiff, entry + 4);
      if (type === 4 && length === 1) values.set(tag, u32(tiff, entry + 8));
      if (type !== 2 || length === 0 || length > 64) continue; // ASCII; a date is 20 bytes, an offset 7
      const start = length <= 4 ? entry + 8 : u32(tiff, entry + 8);
      if (start + length > tiff.length) continue;
      values.set(tag, String.fromCharCode(...tiff.subarray(start, start + length)));
    }
    return values;
  };

  const ifd0 = readIfd(u32(tiff, 4));
  const exifAt = ifd0.get(tags.exifIfd);
  const sub = typeof exifAt === "number" ? readIfd(exifAt) : new Map<number, string | number>();
  const text = (ifd: Map<number, string | number>, tag: number) => {
    const value = ifd.get(tag);
    return typeof value === "string" ? value : undefined;
  };
  const pair = (ifd: Map<number, string | number>, dateTag: number, offsetTag: number) => {
    const date = text(ifd, dateTag);
    return date === undefined ? undefined : { text: date, offset: text(sub, offsetTag) };
  };
  return {
    original: pair(sub, tags.dateTimeOriginal, tags.offsetTimeOriginal),
    digitized: pair(sub, tags.createDate, tags.offsetTimeDigitized),
    modified: pair(ifd0, tags.dateTime, tags.offsetTime),
  };
}
