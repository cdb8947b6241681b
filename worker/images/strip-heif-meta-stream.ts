import { readItemId } from "./heif";
import { type ItemLocation, readAssociations, readItemInfos, readItemLocations, readReferences } from "./heif-items";
import { type Edits, type HeifTables, type Node, children, rewriteTables } from "./heif-rewrite";
import { label, labelExif } from "./strip-rules";
import type { Cursor } from "./stream-cursor";
import { type Refusal, maxHeldBlock, tooLarge } from "./stream-output";
import { exifItem, exifTiff, itemsToDrop, keptInMeta, keptProperties, overlapCheck, type } from "./strip-heif";

/**
 * strip-heif's stripMeta on meta held alone (`edits` over meta's bytes, `meta`
 * at 0) rather than on the whole file: the same steps in the same order, with
 * item extents in file offsets (meta starts at `metaFrom`). A dropped item's
 * bytes inside meta are zeroed in `edits`; those outside go to `zeroed`, for the
 * stream to zero as it passes them; the Exif item is read where it is, to name
 * what it held. True when done, false when meta does not add up.
 */
export async function stripMetaModel(input: Cursor, edits: Edits, meta: Node, metaFrom: number, zeroed: [number, number][]): Promise<boolean | Refusal> {
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
  const stillUsed = new Set(tables.associations?.entries.filter((entry) => !dropped.has(entry.id)).flatMap((entry) => entry.properties));
  properties.forEach((property, i) => {
    if (!stillUsed.has(i + 1)) edits.neutralise(property);
  });
  const locate = fileLocator(input.size, first(type.idat), metaFrom);
  const locations = tables.locations?.entries ?? [];
  const keptLocations = locations.filter((location) => !dropped.has(location.id));
  const keptSpans = (method?: number) =>
    keptLocations
      .filter((location) => method === undefined || location.method === method)
      .flatMap((location) => location.extents.map((extent) => locate(location, extent)))
      .filter((span) => span !== undefined);
  const overlapsKept = overlapCheck(keptSpans());
  const locationOf = new Map(locations.map((location) => [location.id, location]));
  const metaEnd = metaFrom + bytes.length;
  for (const [id, what] of dropped) {
    const location = locationOf.get(id);
    const spans = (location?.extents ?? []).filter((extent) => extent.length > 0).map((extent) => location && locate(location, extent));
    if (what === exifItem) {
      const span = spans[0];
      if (span && input.cannotHold(span[1] - span[0], maxHeldBlock)) return tooLarge("HEIF");
      const payload = span ? await input.fork(span[0]).peek(span[1] - span[0]) : new Uint8Array();
      labelExif(exifTiff(payload, [0, payload.length]), edits.removed);
    } else {
      edits.removed.add(what);
    }
    for (const span of spans) {
      if (!span || overlapsKept(span)) continue; // a hostile overlap: the image wins
      const [start, end] = span;
      if (Math.max(start, metaFrom) < Math.min(end, metaEnd)) edits.zero(Math.max(start, metaFrom) - metaFrom, Math.min(end, metaEnd) - metaFrom);
      if (start < Math.min(end, metaFrom)) zeroed.push([start, Math.min(end, metaFrom)]);
      if (Math.max(start, metaEnd) < end) zeroed.push([Math.max(start, metaEnd), end]);
    }
  }
  // Boxes inside meta move; idat's contents are addressed from idat's start, but file offsets would go stale.
  const overlapsKeptByFileOffset = overlapCheck(keptSpans(0));
  return rewriteTables(edits, tables, dropped, (start, end) => overlapsKeptByFileOffset([metaFrom + start, metaFrom + end]));
}

/** strip-heif's locator in file offsets: method 0 counts from the file's start, 1 from meta's idat; undefined past its container. */
function fileLocator(fileSize: number, idat: Node | undefined, metaFrom: number) {
  return (location: ItemLocation, extent: ItemLocation["extents"][number]): [number, number] | undefined => {
    const container =
      location.method === 0 ? { start: 0, end: fileSize } : location.method === 1 && idat ? { start: metaFrom + idat.start, end: metaFrom + idat.end } : undefined;
    if (!container) return undefined;
    const start = container.start + extent.offset;
    const end = extent.length === 0 ? container.end : start + extent.length;
    return end <= container.end ? [start, end] : undefined;
  };
}
