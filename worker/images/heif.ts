import { type ImageSize, type Problem, corrupt, cutOff, fourcc, isProblem, u16be, u32be } from "./bytes";

/**
 * Size of an AVIF or HEIC image: the primary item's `ispe` property, found via
 * meta → pitm (which item) and meta → iprp → ipma (which properties) → ipco.
 * Phones store photos as grids of 512×512 tiles, so the first `ispe` is often a
 * tile's; it is only the fallback when no association names the primary item.
 */
export function readHeifSize(bytes: Uint8Array): ImageSize | Problem {
  const found = readProperties(bytes);
  if (isProblem(found)) return found;
  const sizes = new Map<number, ImageSize>(); // by 1-based ipco index, as ipma counts them
  for (const [index, box] of found.properties) {
    if (box.type !== boxTypes.ispe || box.end - box.start < 12) continue;
    sizes.set(index, { width: u32be(bytes, box.start + 4), height: u32be(bytes, box.start + 8) });
  }
  const primary = found.primary.find((i) => sizes.has(i));
  const size = (primary === undefined ? undefined : sizes.get(primary)) ?? sizes.values().next().value;
  return size ?? corrupt("does not declare its image size.");
}

/**
 * The primary item's `irot` and `imir`, in the order ipma lists them, as the EXIF
 * orientation (1–8) that shows the image the same way. Call on a file readHeifSize accepted.
 */
export function readHeifOrientation(bytes: Uint8Array): number {
  const found = readProperties(bytes);
  if (isProblem(found)) return 1;
  // As (flip, quarter turns clockwise), flip applied first: EXIF orientation's own terms.
  let flip = 0;
  let turns = 0;
  for (const index of found.primary) {
    const box = found.properties.get(index);
    if (!box || box.end <= box.start) continue;
    if (box.type === boxTypes.irot) {
      const clockwise = (4 - (bytes[box.start] & 3)) % 4; // irot turns anticlockwise
      turns = (turns + clockwise) % 4;
    } else if (box.type === boxTypes.imir) {
      // A mirror after turns is the mirror first with the turns reversed. Axis 0 flips top to
      // bottom as libheif and Apple read it: a left-right mirror and half a turn.
      turns = ((bytes[box.start] & 1 ? 0 : 2) + 4 - turns) % 4;
      flip ^= 1;
    }
  }
  return flip ? [2, 7, 4, 5][turns] : [1, 6, 3, 8][turns];
}

/** ipco's boxes by 1-based index, and the indexes ipma associates with the primary item, in order. */
function readProperties(bytes: Uint8Array): { properties: Map<number, Box>; primary: number[] } | Problem {
  const file = { start: 0, end: bytes.length };
  const meta = findBox(bytes, file, boxTypes.meta);
  if (!meta || isProblem(meta)) return meta ?? corrupt("has no metadata box.");
  if (meta.end - meta.start < 4) return corrupt("has a malformed metadata box.");
  const metaChildren = { start: meta.start + 4, end: meta.end }; // meta is a FullBox: version + flags first
  const iprp = findBox(bytes, metaChildren, boxTypes.iprp);
  const pitm = findBox(bytes, metaChildren, boxTypes.pitm);
  if (!iprp || isProblem(iprp)) return iprp ?? corrupt("has no image properties.");
  if (pitm && isProblem(pitm)) return pitm;
  // Pixels live in a top-level mdat (or, rarely, meta's idat); a file cut after meta has neither.
  if (!findBox(bytes, file, boxTypes.mdat) && !findBox(bytes, metaChildren, boxTypes.idat)) return cutOff;
  const ipco = findBox(bytes, iprp, boxTypes.ipco);
  const ipma = findBox(bytes, iprp, boxTypes.ipma);
  if (!ipco || isProblem(ipco)) return ipco ?? corrupt("has no image properties.");
  if (ipma && isProblem(ipma)) return ipma;

  const properties = new Map<number, Box>();
  const problem = walkBoxes(bytes, ipco, (type, start, end, index) => void properties.set(index + 1, { type, start, end }));
  if (problem) return problem;
  return { properties, primary: pitm && ipma ? propertiesOf(bytes, ipma, readItemId(bytes, pitm)) : [] };
}

export interface Span {
  start: number;
  end: number;
}

export interface Box extends Span {
  type: number;
}

const boxTypes = {
  meta: fourcc("meta"),
  iprp: fourcc("iprp"),
  pitm: fourcc("pitm"),
  mdat: fourcc("mdat"),
  idat: fourcc("idat"),
  ipco: fourcc("ipco"),
  ipma: fourcc("ipma"),
  ispe: fourcc("ispe"),
  irot: fourcc("irot"),
  imir: fourcc("imir"),
};

/** The first child of `type`, once every sibling has been checked to fit. */
function findBox(bytes: Uint8Array, parent: Span, type: number): Box | Problem | undefined {
  let found: Box | undefined;
  const problem = walkBoxes(bytes, parent, (boxType, start, end) => {
    if (boxType === type) found ??= { type, start, end };
  });
  return problem ?? found;
}

/** A box whose size is less than its own header: walkBoxes' refusal, and the streaming inspector's. */
export const malformedBox = corrupt("has a malformed box.");

/**
 * Visits boxes laid end to end in `parent` (size 0: to the end; size 1: 64-bit size follows);
 * start is past the header, boxStart at it.
 */
export function walkBoxes(
  bytes: Uint8Array,
  parent: Span,
  visit: (type: number, start: number, end: number, index: number, boxStart: number) => void,
): Problem | undefined {
  const overrun = parent.end === bytes.length ? cutOff : corrupt("has a box that overruns its parent.");
  for (let at = parent.start, index = 0; at < parent.end; index++) {
    if (at + 8 > parent.end) return overrun;
    let size = u32be(bytes, at);
    let headerLength = 8;
    if (size === 1) {
      if (at + 16 > parent.end) return overrun;
      size = u32be(bytes, at + 8) * 2 ** 32 + u32be(bytes, at + 12);
      headerLength = 16;
    } else if (size === 0) {
      size = parent.end - at;
    }
    if (size < headerLength) return malformedBox;
    if (at + size > parent.end) return overrun;
    visit(u32be(bytes, at + 4), at + headerLength, at + size, index, at);
    at += size;
  }
  return undefined;
}

/** pitm (FullBox): a 16-bit item id in version 0, 32-bit after. */
export function readItemId(bytes: Uint8Array, pitm: Box): number | undefined {
  const idLength = bytes[pitm.start] === 0 ? 2 : 4;
  if (pitm.end - pitm.start < 4 + idLength) return undefined;
  return idLength === 2 ? u16be(bytes, pitm.start + 4) : u32be(bytes, pitm.start + 4);
}

/** The ipco indexes (1-based) that ipma (FullBox) associates with `itemId`. */
function propertiesOf(bytes: Uint8Array, ipma: Box, itemId: number | undefined): number[] {
  if (ipma.end - ipma.start < 8) return [];
  const idLength = bytes[ipma.start] < 1 ? 2 : 4;
  const indexLength = bytes[ipma.start + 3] & 1 ? 2 : 1;
  let at = ipma.start + 8;
  for (let entries = u32be(bytes, ipma.start + 4); entries > 0 && at + idLength + 1 <= ipma.end; entries--) {
    const id = idLength === 2 ? u16be(bytes, at) : u32be(bytes, at);
    const count = bytes[at + idLength];
    at += idLength + 1;
    if (at + count * indexLength > ipma.end) return [];
    if (id === itemId) {
      // The top bit of each index flags the property as essential.
      return Array.from({ length: count }, (_, i) =>
        indexLength === 2 ? u16be(bytes, at + 2 * i) & 0x7fff : bytes[at + i] & 0x7f,
      );
    }
    at += count * indexLength;
  }
  return [];
}
