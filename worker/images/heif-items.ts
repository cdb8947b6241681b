import { ascii, fourcc, u16be, u32be } from "./bytes";
import { type Box, walkBoxes } from "./heif";

/**
 * Readers for the HEIF item tables inside `meta` (ISO/IEC 14496-12 §8.11, 23008-12):
 * iinf (what each item is), iloc (where its bytes are), iref (how items relate) and
 * ipma (which properties each has). Each entry remembers its own byte range, so the
 * stripper can copy the entries it keeps verbatim. Undefined: the table does not add up.
 */

/** An entry's whole range in its table, header included. */
interface Entry {
  from: number;
  to: number;
}

export interface ItemInfo extends Entry {
  id: number;
  /** The item type (0 for the typeless version 0 and 1 entries). */
  type: number;
  contentType: string;
}

export interface ItemLocation extends Entry {
  id: number;
  /** 0: file offsets, 1: offsets into meta's idat, 2: offsets into another item. */
  method: number;
  extents: { offset: number; length: number }[];
}

export interface Reference extends Entry {
  type: number;
  fromId: number;
  toIds: number[];
}

export interface ItemTable<T> {
  /** The table's version, flags and anything else before its entry count. */
  headerEnd: number;
  countLength: number;
  entries: T[];
}

const infe = fourcc("infe");
const mime = fourcc("mime");
/** A file may declare any number of zero-byte extents; past this many it is not a photo. */
const maxExtents = 100_000;

export function readItemInfos(bytes: Uint8Array, iinf: Box): ItemTable<ItemInfo> | undefined {
  const countLength = bytes[iinf.start] === 0 ? 2 : 4;
  const entries: ItemInfo[] = [];
  let malformed = false;
  const children = { start: iinf.start + 4 + countLength, end: iinf.end };
  if (children.start > children.end) return undefined;
  const problem = walkBoxes(bytes, children, (type, start, end, _index, from) => {
    const info = type === infe ? readInfe(bytes, start, end) : undefined;
    if (info) entries.push({ ...info, from, to: end });
    else malformed = true;
  });
  return problem || malformed ? undefined : { headerEnd: iinf.start + 4, countLength, entries };
}

function readInfe(bytes: Uint8Array, start: number, end: number): Omit<ItemInfo, "from" | "to"> | undefined {
  const version = bytes[start];
  const idLength = version >= 3 ? 4 : 2;
  const id = idLength === 4 ? u32be(bytes, start + 4) : u16be(bytes, start + 4);
  const typeAt = start + 4 + idLength + 2; // after the protection index
  if (version < 2) {
    if (typeAt > end) return undefined;
    const name = cString(bytes, typeAt, end);
    return name && { id, type: 0, contentType: cString(bytes, name.end, end)?.text ?? "" };
  }
  if (typeAt + 4 > end) return undefined;
  const type = u32be(bytes, typeAt);
  const name = cString(bytes, typeAt + 4, end);
  const contentType = type === mime && name ? (cString(bytes, name.end, end)?.text ?? "") : "";
  return { id, type, contentType };
}

/** A NUL-terminated string inside [at, end): its first 64 characters, and where the next field starts. */
function cString(bytes: Uint8Array, at: number, end: number): { text: string; end: number } | undefined {
  const nul = bytes.subarray(at, end).indexOf(0);
  return nul === -1 ? undefined : { text: ascii(bytes, at, Math.min(nul, 64)), end: at + nul + 1 };
}

export function readItemLocations(bytes: Uint8Array, iloc: Box): ItemTable<ItemLocation> | undefined {
  const version = bytes[iloc.start];
  if (version > 2 || iloc.start + 8 > iloc.end) return undefined;
  const offsetSize = bytes[iloc.start + 4] >> 4;
  const lengthSize = bytes[iloc.start + 4] & 15;
  const baseOffsetSize = bytes[iloc.start + 5] >> 4;
  const indexSize = version === 0 ? 0 : bytes[iloc.start + 5] & 15;
  if (![offsetSize, lengthSize, baseOffsetSize, indexSize].every((size) => size === 0 || size === 4 || size === 8)) return undefined;
  const idLength = version === 2 ? 4 : 2;
  const countLength = version === 2 ? 4 : 2;
  const reader = new FieldReader(bytes, iloc.start + 6, iloc.end);
  const count = reader.read(countLength);
  const entries: ItemLocation[] = [];
  let extentCount = 0;
  for (let i = 0; i < count && reader.ok; i++) {
    const from = reader.at;
    const id = reader.read(idLength);
    const method = version === 0 ? 0 : reader.read(2) & 15;
    reader.read(2); // data reference index: 0 means this file
    const baseOffset = reader.read(baseOffsetSize);
    const extents = [];
    const extentsHere = reader.read(2);
    extentCount += extentsHere;
    if (extentCount > maxExtents) return undefined;
    for (let e = 0; e < extentsHere && reader.ok; e++) {
      reader.read(indexSize);
      const offset = baseOffset + reader.read(offsetSize);
      extents.push({ offset, length: reader.read(lengthSize) });
    }
    entries.push({ id, method, extents, from, to: reader.at });
  }
  return reader.ok ? { headerEnd: iloc.start + 6, countLength, entries } : undefined;
}

export function readReferences(bytes: Uint8Array, iref: Box): ItemTable<Reference> | undefined {
  const idLength = bytes[iref.start] === 0 ? 2 : 4;
  const entries: Reference[] = [];
  let malformed = false;
  const problem = walkBoxes(bytes, { start: iref.start + 4, end: iref.end }, (type, start, end, _index, from) => {
    const reader = new FieldReader(bytes, start, end);
    const fromId = reader.read(idLength);
    const count = reader.read(2);
    const toIds = [];
    for (let i = 0; i < count && reader.ok; i++) toIds.push(reader.read(idLength));
    if (reader.ok) entries.push({ type, fromId, toIds, from, to: end });
    else malformed = true;
  });
  return problem || malformed || iref.start + 4 > iref.end ? undefined : { headerEnd: iref.start + 4, countLength: 0, entries };
}

export interface Association extends Entry {
  id: number;
  /** 1-based ipco indexes, the essential flag masked off. */
  properties: number[];
}

export function readAssociations(bytes: Uint8Array, ipma: Box): ItemTable<Association> | undefined {
  const idLength = bytes[ipma.start] < 1 ? 2 : 4;
  const indexLength = bytes[ipma.start + 3] & 1 ? 2 : 1;
  const indexMask = indexLength === 2 ? 0x7fff : 0x7f;
  const reader = new FieldReader(bytes, ipma.start + 4, ipma.end);
  const count = reader.read(4);
  const entries = [];
  for (let i = 0; i < count && reader.ok; i++) {
    const from = reader.at;
    const id = reader.read(idLength);
    const properties = [];
    for (let n = reader.read(1); n > 0 && reader.ok; n--) properties.push(reader.read(indexLength) & indexMask);
    entries.push({ id, properties, from, to: reader.at });
  }
  return reader.ok ? { headerEnd: ipma.start + 4, countLength: 4, entries } : undefined;
}

/** Big-endian fields of 0, 1, 2, 4 or 8 bytes read in order; `ok` turns false for good once one overruns. */
class FieldReader {
  ok = true;

  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
    private readonly end: number,
  ) {}

  read(length: number): number {
    const at = this.at;
    this.skip(length);
    if (!this.ok) return 0;
    if (length === 8) return u32be(this.bytes, at) * 2 ** 32 + u32be(this.bytes, at + 4);
    if (length === 4) return u32be(this.bytes, at);
    if (length === 2) return u16be(this.bytes, at);
    return length === 1 ? this.bytes[at] : 0;
  }

  skip(length: number): void {
    this.at += length;
    if (this.at > this.end) this.ok = false;
  }
}
