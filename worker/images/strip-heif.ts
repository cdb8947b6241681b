import { fourcc, u32be } from "./bytes";
import { withoutExifHeader } from "./exif";
import { readItemId } from "./heif";
import { type ItemInfo, type ItemLocation, type ItemTable, type Reference, readAssociations, readItemInfos, readItemLocations, readReferences } from "./heif-items";
import { Edits, type HeifTables, type Node, children, rewriteTables } from "./heif-rewrite";
import { type StripResult, label, labelExif, unreadable } from "./rebuild";

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

export function stripHeif(bytes: Uint8Array): StripResult {
  const top = children(bytes, 0, bytes.length);
  if (!top) return unreadable("HEIF");
  const edits = new Edits(bytes);
  let meta: Node | undefined;
  for (const box of top) {
    if (box.type === type.meta && !meta) {
      meta = box;
    } else if (box.type === type.moov) {
      if (!clearMovie(edits, box)) return unreadable("HEIF");
    } else if (!keptTopLevel.has(box.type) || box.type === type.meta) {
      const isXmp = box.type === type.uuid && xmpUuid.every((byte, i) => bytes[box.start + i] === byte);
      edits.neutralise(box, isXmp ? label.xmp : label.other);
    }
  }
  if (meta && !stripMeta(edits, meta)) return unreadable("HEIF");
  return { ok: true, bytes: edits.bytes, removed: [...edits.removed] };
}

/** False when meta's structure does not add up. */
function stripMeta(edits: Edits, meta: Node): boolean {
  const bytes = edits.input;
  const boxes = meta.end - meta.start >= 4 ? children(bytes, meta.start + 4, meta.end) : undefined;
  if (!boxes) return false;
  const first = (wanted: number) => boxes.find((box) => box.type === wanted);
  for (const box of boxes) if (!keptInMeta.has(box.type)) edits.neutralise(box, box.type === type.xml ? label.xmp : label.other);

  const iprp = first(type.iprp);
  const iprpBoxes = iprp ? children(bytes, iprp.start, iprp.end) : [];
  if (!iprpBoxes) return false;
  const ipco = iprpBoxes.find((box) => box.type === type.ipco);
  const properties = ipco ? children(bytes, ipco.start, ipco.end) : [];
  if (!properties) return false;
  for (const property of properties) if (!keptProperties.has(property.type)) edits.neutralise(property, label.other);

  const tables: HeifTables = { meta, boxes, iprp, iinf: first(type.iinf), iloc: first(type.iloc), iref: first(type.iref) };
  tables.ipma = iprpBoxes.find((box) => box.type === type.ipma);
  tables.infos = tables.iinf && readItemInfos(bytes, tables.iinf);
  tables.locations = tables.iloc && readItemLocations(bytes, tables.iloc);
  tables.references = tables.iref && readReferences(bytes, tables.iref);
  tables.associations = tables.ipma && readAssociations(bytes, tables.ipma);
  if (!tables.infos !== !tables.iinf || !tables.locations !== !tables.iloc || !tables.references !== !tables.iref || !tables.associations !== !tables.ipma) {
    return false;
  }
  const pitm = first(type.pitm);
  const dropped = itemsToDrop(tables.infos, tables.references, pitm && readItemId(bytes, pitm));
  if (dropped.size === 0) return true;
  // Properties only dropped items used (a thumbnail's size and codec setup) go with them.
  const stillUsed = new Set(tables.associations?.entries.filter((entry) => !dropped.has(entry.id)).flatMap((entry) => entry.properties));
  properties.forEach((property, i) => {
    if (!stillUsed.has(i + 1)) edits.neutralise(property);
  });
  const locate = locator(bytes, first(type.idat));
  const locations = tables.locations?.entries ?? [];
  const keptLocations = locations.filter((location) => !dropped.has(location.id));
  const keptSpans = (method?: number) =>
    keptLocations
      .filter((location) => method === undefined || location.method === method)
      .flatMap((location) => location.extents.map((extent) => locate(location, extent)))
      .filter((span) => span !== undefined);
  const overlapsKept = overlapCheck(keptSpans());
  const locationOf = new Map(locations.map((location) => [location.id, location]));
  for (const [id, what] of dropped) {
    const location = locationOf.get(id);
    // The extent's true end is unknown when its length is 0 ("to the end"): those bytes stay, unreferenced.
    const spans = (location?.extents ?? []).filter((extent) => extent.length > 0).map((extent) => location && locate(location, extent));
    if (what === exifItem) labelExif(exifTiff(bytes, spans[0]), edits.removed);
    else edits.removed.add(what);
    for (const span of spans) if (span && !overlapsKept(span)) edits.zero(...span); // a hostile overlap: the image wins
  }
  // Boxes inside meta move; idat's contents are addressed from idat's start, but file offsets would go stale.
  const overlapsKeptByFileOffset = overlapCheck(keptSpans(0));
  return rewriteTables(edits, tables, dropped, (start, end) => overlapsKeptByFileOffset([start, end]));
}

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

/** Where an extent's bytes are in the file: by file offset (method 0) or inside meta's idat (1); not for offsets into other items. */
function locator(bytes: Uint8Array, idat: Node | undefined) {
  return (location: ItemLocation, extent: ItemLocation["extents"][number]): [number, number] | undefined => {
    const container = location.method === 0 ? { start: 0, end: bytes.length } : location.method === 1 ? idat : undefined;
    if (!container) return undefined;
    const start = container.start + extent.offset;
    const end = extent.length === 0 ? container.end : start + extent.length;
    return end <= container.end ? [start, end] : undefined;
  };
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
