import { type Box, walkBoxes } from "./heif";
import type { Association, ItemInfo, ItemLocation, ItemTable, Reference } from "./heif-items";

/**
 * Writing side of the HEIF stripper: edits in place on a copy of the file, and
 * meta's item tables rebuilt without the dropped items, meta keeping its size.
 */

export interface Node extends Box {
  /** Where the box's header starts. */
  from: number;
}

export function children(bytes: Uint8Array, start: number, end: number): Node[] | undefined {
  const nodes: Node[] = [];
  const problem = walkBoxes(bytes, { start, end }, (type, start, end, _index, from) => void nodes.push({ type, start, end, from }));
  return problem ? undefined : nodes;
}

const freeType = new Uint8Array([0x66, 0x72, 0x65, 0x65]);

/** Writes into a copy of the input, made on the first write; `removed` says what went. */
export class Edits {
  readonly removed = new Set<string>();
  private copy: Uint8Array | undefined;

  constructor(readonly input: Uint8Array) {}

  get bytes(): Uint8Array {
    return this.copy ?? this.input;
  }

  write(at: number, piece: Uint8Array): void {
    this.writable().set(piece, at);
  }

  zero(start: number, end: number): void {
    this.writable().fill(0, start, end);
  }

  /** The box stays, as `free` with its payload zeroed: same size, so nothing after it moves. */
  neutralise(box: Node, what?: string): void {
    this.write(box.from + 4, freeType);
    this.zero(box.start, box.end);
    if (what) this.removed.add(what);
  }

  private writable(): Uint8Array {
    this.copy ??= this.input.slice();
    return this.copy;
  }
}

export interface HeifTables {
  meta: Node;
  /** meta's children, in order. */
  boxes: Node[];
  iinf?: Node;
  iloc?: Node;
  iref?: Node;
  iprp?: Node;
  ipma?: Node;
  infos?: ItemTable<ItemInfo>;
  locations?: ItemTable<ItemLocation>;
  references?: ItemTable<Reference>;
  associations?: ItemTable<Association>;
}

/**
 * Rebuilds meta's children with iinf, iloc, iref and ipma minus the dropped items,
 * then a `free` box the size of what was freed: meta keeps its size, so every box
 * after it keeps its offset. Boxes inside meta do move, so this refuses (false)
 * when a kept item's bytes are addressed by file offset inside meta.
 */
export function rewriteTables(edits: Edits, tables: HeifTables, dropped: Map<number, unknown>, keptInside: (start: number, end: number) => boolean): boolean {
  const { meta } = tables;
  if (keptInside(meta.from, meta.end)) return false;
  const bytes = edits.bytes; // with this pass's zeroing and neutralising already applied
  const keeps = (entry: { id: number }) => !dropped.has(entry.id);
  const idLength = tables.iref && bytes[tables.iref.start] === 0 ? 2 : 4;
  const parts: Uint8Array[] = [];
  for (const box of tables.boxes) {
    if (box === tables.iinf && tables.infos) parts.push(table(bytes, box, tables.infos, (entry) => keeps(entry) && bytes.subarray(entry.from, entry.to)));
    else if (box === tables.iloc && tables.locations) parts.push(table(bytes, box, tables.locations, (entry) => keeps(entry) && bytes.subarray(entry.from, entry.to)));
    else if (box === tables.iref && tables.references) parts.push(table(bytes, box, tables.references, (entry) => reference(bytes, entry, dropped, idLength)));
    else if (box === tables.iprp) parts.push(rebuiltIprp(bytes, box, tables, keeps));
    else parts.push(bytes.subarray(box.from, box.end));
  }
  const start = meta.start + 4;
  const freed = meta.end - start - parts.reduce((sum, part) => sum + part.length, 0);
  if (freed < 0 || (freed > 0 && freed < 8)) return false; // cannot happen: a dropped item frees at least its infe
  let at = start;
  for (const part of parts.map((part) => part.slice())) {
    edits.write(at, part);
    at += part.length;
  }
  if (freed > 0) {
    edits.zero(at, meta.end);
    edits.write(at, boxHeader(freed, freeType));
  }
  return true;
}

function rebuiltIprp(bytes: Uint8Array, iprp: Node, tables: HeifTables, keeps: (entry: { id: number }) => boolean): Uint8Array {
  const parts = (children(bytes, iprp.start, iprp.end) ?? []).map((box) =>
    box.from === tables.ipma?.from && tables.associations
      ? table(bytes, box, tables.associations, (entry) => keeps(entry) && bytes.subarray(entry.from, entry.to))
      : bytes.subarray(box.from, box.end),
  );
  return box(bytes.subarray(iprp.from + 4, iprp.from + 8), parts);
}

/** A table box again: its header fields, the new entry count, and the entries `entryBytes` keeps. */
function table<T extends { from: number; to: number }>(bytes: Uint8Array, node: Node, table: ItemTable<T>, entryBytes: (entry: T) => Uint8Array | false): Uint8Array {
  const entries = table.entries.map(entryBytes).filter((entry): entry is Uint8Array => entry !== false);
  const count = new Uint8Array(table.countLength);
  for (let i = 0; i < table.countLength; i++) count[i] = Math.floor(entries.length / 256 ** (table.countLength - 1 - i)) & 0xff;
  return box(bytes.subarray(node.from + 4, node.from + 8), [bytes.subarray(node.start, table.headerEnd), count, ...entries]);
}

/** One iref reference without the dropped items; false when nothing is left of it. */
function reference(bytes: Uint8Array, ref: Reference, dropped: Map<number, unknown>, idLength: number): Uint8Array | false {
  if (dropped.has(ref.fromId)) return false;
  const toIds = ref.toIds.filter((id) => !dropped.has(id));
  if (toIds.length === 0) return false;
  if (toIds.length === ref.toIds.length) return bytes.subarray(ref.from, ref.to);
  const ids = [ref.fromId, ...toIds];
  const payload = new Uint8Array(ids.length * idLength + 2);
  const view = new DataView(payload.buffer);
  ids.forEach((id, i) => {
    const at = i === 0 ? 0 : 2 + i * idLength;
    if (idLength === 2) view.setUint16(at, id);
    else view.setUint32(at, id);
  });
  view.setUint16(idLength, toIds.length);
  return box(bytes.subarray(ref.from + 4, ref.from + 8), [payload]);
}

function box(type: Uint8Array, parts: Uint8Array[]): Uint8Array {
  const size = 8 + parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(size);
  out.set(boxHeader(size, type));
  let at = 8;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function boxHeader(size: number, type: Uint8Array): Uint8Array {
  const header = new Uint8Array(8);
  new DataView(header.buffer).setUint32(0, size);
  header.set(type, 4);
  return header;
}
