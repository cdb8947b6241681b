import { ascii, fourcc, u32be, u32le } from "./bytes";
import { findExif } from "./exif";
import { type Box, walkBoxes } from "./heif";
import { readItemInfos, readItemLocations } from "./heif-items";
import type { ImageFormat } from "./sniff";

/**
 * Where a file keeps its EXIF (a TIFF block) and its XMP packet, for readers of
 * what they say. Bounded: a block is read up to `maxBlockBytes`, no further.
 */
export interface MetadataBlocks {
  exif?: Uint8Array;
  xmp?: Uint8Array;
}

const maxBlockBytes = 1024 * 1024;
const xmpJpegHeader = "http://ns.adobe.com/xap/1.0/\0";

export function findMetadataBlocks(bytes: Uint8Array, format: ImageFormat): MetadataBlocks {
  if (format === "heic" || format === "avif") return findHeifItems(bytes);
  return { exif: findExif(bytes, format), xmp: findXmp(bytes, format) };
}

function findXmp(bytes: Uint8Array, format: ImageFormat): Uint8Array | undefined {
  if (format === "jpeg") return findJpegXmp(bytes);
  if (format === "png") return findPngXmp(bytes);
  if (format === "webp") return findWebpXmp(bytes);
  return undefined;
}

function findJpegXmp(bytes: Uint8Array): Uint8Array | undefined {
  for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff; ) {
    const marker = bytes[at + 1];
    if (marker === 0xda || marker === 0xd9) return undefined;
    const end = at + 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
    if (marker === 0xe1 && ascii(bytes, at + 4, xmpJpegHeader.length) === xmpJpegHeader) {
      return capped(bytes, at + 4 + xmpJpegHeader.length, Math.min(end, bytes.length));
    }
    at = end;
  }
  return undefined;
}

/** iTXt with keyword "XML:com.adobe.xmp", uncompressed (a compressed one would need inflating: skipped). */
function findPngXmp(bytes: Uint8Array): Uint8Array | undefined {
  const keyword = "XML:com.adobe.xmp\0";
  for (let at = 8; at + 12 <= bytes.length; at += 12 + u32be(bytes, at)) {
    const start = at + 8;
    const end = Math.min(start + u32be(bytes, at), bytes.length);
    if (ascii(bytes, at + 4) !== "iTXt" || ascii(bytes, start, keyword.length) !== keyword) continue;
    let text = start + keyword.length;
    if (bytes[text] !== 0) return undefined; // compressed
    text += 2; // compression flag and method
    for (let nul = 0; nul < 2 && text < end; text++) if (bytes[text] === 0) nul++; // language tag, translated keyword
    return capped(bytes, text, end);
  }
  return undefined;
}

function findWebpXmp(bytes: Uint8Array): Uint8Array | undefined {
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = u32le(bytes, at + 4);
    if (ascii(bytes, at) === "XMP ") return capped(bytes, at + 8, Math.min(at + 8 + size, bytes.length));
    at += 8 + size + (size & 1);
  }
  return undefined;
}

const fourccs = { meta: fourcc("meta"), iinf: fourcc("iinf"), iloc: fourcc("iloc"), idat: fourcc("idat"), exif: fourcc("Exif"), mime: fourcc("mime") };

/** HEIC/AVIF: the Exif item and the XMP (`mime`, application/rdf+xml) item, from mdat or meta's idat. */
function findHeifItems(bytes: Uint8Array): MetadataBlocks {
  const meta = firstChild(bytes, { start: 0, end: bytes.length }, fourccs.meta);
  if (!meta || meta.end - meta.start < 4) return {};
  const inMeta = { start: meta.start + 4, end: meta.end };
  const iinf = firstChild(bytes, inMeta, fourccs.iinf);
  const iloc = firstChild(bytes, inMeta, fourccs.iloc);
  const idat = firstChild(bytes, inMeta, fourccs.idat);
  const infos = iinf && readItemInfos(bytes, iinf);
  const locations = iloc && readItemLocations(bytes, iloc);
  if (!infos || !locations) return {};
  const itemBytes = (id: number) => {
    const location = locations.entries.find((entry) => entry.id === id);
    if (!location) return undefined;
    const base = location.method === 0 ? { start: 0, end: bytes.length } : location.method === 1 ? idat : undefined;
    if (!base) return undefined;
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const { offset, length } of location.extents) {
      if (length === 0 || offset + length > base.end - base.start || total + length > maxBlockBytes) return undefined;
      parts.push(bytes.subarray(base.start + offset, base.start + offset + length));
      total += length;
    }
    return parts.length === 1 ? parts[0] : joined(parts, total);
  };
  const exifItem = infos.entries.find((info) => info.type === fourccs.exif);
  const xmpItem = infos.entries.find((info) => info.type === fourccs.mime && info.contentType === "application/rdf+xml");
  return { exif: exifItem && tiffOfExifItem(itemBytes(exifItem.id)), xmp: xmpItem && itemBytes(xmpItem.id) };
}

/** An Exif item starts with the offset of the TIFF header after that field (ISO/IEC 23008-12 A.2.1). */
function tiffOfExifItem(item: Uint8Array | undefined): Uint8Array | undefined {
  if (!item || item.length < 4) return undefined;
  const start = 4 + u32be(item, 0);
  return start < item.length ? item.subarray(start) : undefined;
}

function firstChild(bytes: Uint8Array, parent: { start: number; end: number }, type: number): Box | undefined {
  let found: Box | undefined;
  const problem = walkBoxes(bytes, parent, (boxType, start, end) => {
    if (boxType === type) found ??= { type, start, end };
  });
  return problem ? undefined : found;
}

function capped(bytes: Uint8Array, start: number, end: number) {
  return start < end ? bytes.subarray(start, Math.min(end, start + maxBlockBytes)) : undefined;
}

function joined(parts: Uint8Array[], total: number) {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
