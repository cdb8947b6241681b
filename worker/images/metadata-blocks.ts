import { fourcc, u32be } from "./bytes";
import { type Box, walkBoxes } from "./heif";
import { readItemInfos, readItemLocations } from "./heif-items";

/**
 * Where a file keeps its EXIF (a TIFF block) and its XMP packet, for readers of
 * what they say. Bounded: a block is read up to `maxBlockBytes`, no further.
 */
export interface MetadataBlocks {
  exif?: Uint8Array;
  xmp?: Uint8Array;
}

/** How much of a block the readers take: an EXIF or XMP block is read up to this, no further. */
export const maxBlockBytes = 1024 * 1024;
export const xmpJpegHeader = "http://ns.adobe.com/xap/1.0/\0";

export const pngXmpKeyword = "XML:com.adobe.xmp\0";

const fourccs = { meta: fourcc("meta"), iinf: fourcc("iinf"), iloc: fourcc("iloc"), idat: fourcc("idat"), exif: fourcc("Exif"), mime: fourcc("mime") };

/** Where an item's bytes are: a range of the file (iloc's file offsets), or of `bytes` (meta's idat). */
export interface ItemRange {
  start: number;
  end: number;
  inFile: boolean;
}

/**
 * For a file of `fileSize` bytes whose first top-level meta is the first in `bytes`
 * (meta held alone: inspect-heif-stream.ts): where the
 * Exif and XMP items' bytes are, each at most maxBlockBytes. Undefined: no tables to read.
 */
export function locateHeifItems(bytes: Uint8Array, fileSize: number): { exif?: ItemRange[]; xmp?: ItemRange[] } | undefined {
  const meta = firstChild(bytes, { start: 0, end: bytes.length }, fourccs.meta);
  if (!meta || meta.end - meta.start < 4) return undefined;
  const inMeta = { start: meta.start + 4, end: meta.end };
  const iinf = firstChild(bytes, inMeta, fourccs.iinf);
  const iloc = firstChild(bytes, inMeta, fourccs.iloc);
  const idat = firstChild(bytes, inMeta, fourccs.idat);
  const infos = iinf && readItemInfos(bytes, iinf);
  const locations = iloc && readItemLocations(bytes, iloc);
  if (!infos || !locations) return undefined;
  const itemRanges = (id: number) => {
    const location = locations.entries.find((entry) => entry.id === id);
    if (!location) return undefined;
    const base = location.method === 0 ? { start: 0, end: fileSize } : location.method === 1 ? idat : undefined;
    if (!base) return undefined;
    const ranges: ItemRange[] = [];
    let total = 0;
    for (const { offset, length } of location.extents) {
      if (length === 0 || offset + length > base.end - base.start || total + length > maxBlockBytes) return undefined;
      ranges.push({ start: base.start + offset, end: base.start + offset + length, inFile: location.method === 0 });
      total += length;
    }
    return ranges;
  };
  const exifItem = infos.entries.find((info) => info.type === fourccs.exif);
  const xmpItem = infos.entries.find((info) => info.type === fourccs.mime && info.contentType === "application/rdf+xml");
  return { exif: exifItem && itemRanges(exifItem.id), xmp: xmpItem && itemRanges(xmpItem.id) };
}

/** The blocks, from the bytes of the ranges locateHeifItems gave. */
export function heifItemBlocks(exif: Uint8Array[] | undefined, xmp: Uint8Array[] | undefined): MetadataBlocks {
  return { exif: exif && tiffOfExifItem(joinedParts(exif)), xmp: xmp && joinedParts(xmp) };
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

function joinedParts(parts: Uint8Array[]) {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
