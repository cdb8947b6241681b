import { fourcc, u32be } from "./bytes";
import { withoutExifHeader } from "./exif";
import type { ItemInfo, ItemTable, Reference } from "./heif-items";
import { type Edits, type Node, children } from "./heif-rewrite";
import { label } from "./strip-rules";

/**
 * HEIC/AVIF allow-list. Coded image bytes are never moved: the file keeps its
 * length and every box outside `meta` keeps its offset.
 * - Top level: ftyp, meta, mdat, moov (sequences), free, skip; any other box
 *   (uuid XMP, say) becomes a zeroed `free` box of the same size.
 * - In meta: hdlr, pitm, iloc, iinf, iref, iprp, idat, dinf, grpl; others likewise.
 * - Items: Exif, mime (XMP) and uri items, thumbnails (`thmb`) with their grid tiles
 *   and alpha planes, and typeless (version 0/1) items are dropped from iinf, iloc,
 *   iref and ipma, and their bytes zeroed where no kept item's bytes are; meta ends
 *   with a `free` box taking up the space freed, so its size stays the same.
 * - Properties: the ones that decode or show the image (codec configuration, size,
 *   colour incl. ICC, irot/imir, clap, pasp, alpha/aux, layers, HDR); others are zeroed.
 * - Sequences: moov's and each track's udta/meta go; creation and modification times are zeroed.
 * The rules; strip-heif-stream.ts and strip-heif-meta-stream.ts walk the file by them.
 */
export const keptTopLevel = new Set(["ftyp", "meta", "mdat", "moov", "free", "skip"].map(fourcc));
export const keptInMeta = new Set(["hdlr", "pitm", "iloc", "iinf", "iref", "iprp", "idat", "dinf", "grpl", "free", "skip"].map(fourcc));
export const keptProperties = new Set(
  [
    "hvcC", "lhvC", "av1C", "ispe", "pixi", "colr", "irot", "imir", "clap", "pasp", "auxC", "a1op", "a1lx",
    "lsel", "oinf", "tols", "clli", "mdcv", "cclv", "amve", "rloc", "free", "skip",
  ].map(fourcc),
);
const metadataItems = new Set(["Exif", "mime", "uri "].map(fourcc));
export const type = {
  meta: fourcc("meta"), moov: fourcc("moov"), trak: fourcc("trak"), mdia: fourcc("mdia"), udta: fourcc("udta"),
  mvhd: fourcc("mvhd"), tkhd: fourcc("tkhd"), mdhd: fourcc("mdhd"), uuid: fourcc("uuid"), xml: fourcc("xml "),
  iinf: fourcc("iinf"), iloc: fourcc("iloc"), iref: fourcc("iref"), iprp: fourcc("iprp"), ipco: fourcc("ipco"),
  ipma: fourcc("ipma"), pitm: fourcc("pitm"), idat: fourcc("idat"), exif: fourcc("Exif"), thmb: fourcc("thmb"),
  dimg: fourcc("dimg"), auxl: fourcc("auxl"),
};
export const xmpUuid = [0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac];

/** Marks an EXIF item among the dropped: what it held is read from it. */
export const exifItem = "EXIF item";

/** The items to drop, each with what it held; the primary image is never one of them. */
export function itemsToDrop(infos: ItemTable<ItemInfo> | undefined, references: ItemTable<Reference> | undefined, primary: number | undefined) {
  const dropped = new Map<number, string>();
  for (const info of infos?.entries ?? []) {
    if (info.type !== 0 && !metadataItems.has(info.type)) continue;
    const isXmp = /xmp|rdf\+xml/i.test(info.contentType);
    dropped.set(info.id, info.type === type.exif ? exifItem : isXmp ? label.xmp : label.other);
  }
  const refs = references?.entries ?? [];
  for (const ref of refs) if (ref.type === type.thmb) dropped.set(ref.fromId, label.thumbnail);
  // A thumbnail may be a grid of tiles, or have an alpha plane: they go with it unless a kept image uses them.
  const usedByKept = new Set<number>();
  for (const ref of refs) if (ref.type === type.dimg && !dropped.has(ref.fromId)) for (const id of ref.toIds) usedByKept.add(id);
  for (const ref of refs) {
    const partOfDropped = ref.type === type.dimg && dropped.has(ref.fromId);
    for (const id of partOfDropped ? ref.toIds : []) if (!usedByKept.has(id)) dropped.set(id, label.thumbnail);
    if (ref.type === type.auxl && ref.toIds.length > 0 && ref.toIds.every((id) => dropped.has(id))) dropped.set(ref.fromId, label.thumbnail);
  }
  if (primary !== undefined) dropped.delete(primary);
  return dropped;
}

/** An EXIF item: a 4-byte offset to the TIFF header, then the block (sometimes after JPEG's "Exif\0\0"). */
export function exifTiff(bytes: Uint8Array, span: [number, number] | undefined): Uint8Array {
  const payload = span ? bytes.subarray(...span) : new Uint8Array();
  return payload.length < 4 ? payload : withoutExifHeader(payload.subarray(4 + u32be(payload, 0)));
}

/** Whether a range overlaps any of `ranges`: sorted and merged once, then a binary search per question. */
export function overlapCheck(ranges: [number, number][]): (span: [number, number]) => boolean {
  const merged: [number, number][] = [];
  for (const [start, end] of ranges.sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return ([start, end]) => {
    let low = 0;
    let high = merged.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (merged[mid][1] <= start) low = mid + 1;
      else high = mid;
    }
    return low < merged.length && merged[low][0] < end;
  };
}

/** Sequences: moov's and each track's udta and meta go; creation and modification times are zeroed. */
export function clearMovie(edits: Edits, moov: Node): boolean {
  const bytes = edits.input;
  const clearTimes = (box: Node) => {
    const end = box.start + 4 + (bytes[box.start] === 1 ? 16 : 8);
    if (end > box.end || bytes.subarray(box.start + 4, end).every((byte) => byte === 0)) return;
    edits.zero(box.start + 4, end);
    edits.removed.add(label.other);
  };
  const visit = (parent: Node): boolean => {
    const boxes = children(bytes, parent.start, parent.end);
    if (!boxes) return false;
    for (const box of boxes) {
      if (box.type === type.udta || box.type === type.meta) edits.neutralise(box, label.other);
      else if (box.type === type.mvhd || box.type === type.tkhd || box.type === type.mdhd) clearTimes(box);
      else if ((box.type === type.trak || box.type === type.mdia) && !visit(box)) return false;
    }
    return true;
  };
  return visit(moov);
}
