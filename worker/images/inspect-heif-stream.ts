import { type Problem, cutOff, fourcc, isProblem, u32be } from "./bytes";
import { malformedBox, readHeifOrientation, readHeifSize } from "./heif";
import { type Walked, held } from "./inspect-walk";
import { type ItemRange, heifItemBlocks, locateHeifItems } from "./metadata-blocks";
import { asciiBytes } from "./strip-rules";
import type { Cursor } from "./stream-cursor";
import { maxHeldBox } from "./strip-heif-stream";

const types = { meta: fourcc("meta"), mdat: fourcc("mdat") };

/**
 * HEIF's size, orientation and Exif and XMP items (heif.ts, metadata-blocks.ts), for a
 * file read in ranges. Every top-level box header is read, as walkBoxes checks them
 * all, and nothing else but meta (held whole; over ranged reads up to maxHeldBox, as the
 * stripper holds it) and the Exif and XMP items' bytes. The readers run on a stand-in
 * for the file: meta as it is, and an empty mdat box where the file has one (they ask
 * only whether it does), before meta if meta ends the file (a box overrunning its
 * parent there is "cut off", elsewhere "corrupt"), after it otherwise. Item offsets
 * into the file are read from the file.
 */
export async function walkHeifForInspection(input: Cursor): Promise<Walked> {
  const first = input.fork(0); // the first read: the items are often in it
  let meta: { bytes: Uint8Array; endsFile: boolean } | undefined;
  let metaTooLarge = false;
  let hasMdat = false;
  for (let at = 0; at < input.size; ) {
    input.seek(at);
    const box = await topLevelBox(input);
    if (isProblem(box)) return box;
    if (box.type === types.meta && !meta && !metaTooLarge) {
      if (input.cannotHold(box.end - at, maxHeldBox)) metaTooLarge = true;
      else meta = { bytes: await held(input, at, box.end), endsFile: box.end === input.size };
    }
    if (box.type === types.mdat) hasMdat = true;
    at = box.end;
  }
  if (metaTooLarge) return { tooLarge: maxHeldBox };
  const metaBytes = meta?.bytes ?? new Uint8Array(0);
  const emptyBox = new Uint8Array([0, 0, 0, 8, ...asciiBytes(hasMdat ? "mdat" : "free")]);
  const standIn = new Uint8Array(metaBytes.length + emptyBox.length);
  const metaEndsFile = meta?.endsFile ?? false;
  standIn.set(metaBytes, metaEndsFile ? emptyBox.length : 0);
  standIn.set(emptyBox, metaEndsFile ? 0 : metaBytes.length);

  const size = readHeifSize(standIn);
  if (isProblem(size)) return size;
  const metadata = async () => {
    const located = locateHeifItems(standIn, input.size);
    const itemBytes = async (ranges: ItemRange[] | undefined) => {
      if (!ranges) return undefined;
      const parts: Uint8Array[] = [];
      for (const range of ranges) parts.push(range.inFile ? await held(first, range.start, range.end) : standIn.subarray(range.start, range.end));
      return parts;
    };
    const blocks = located ? heifItemBlocks(await itemBytes(located.exif), await itemBytes(located.xmp)) : {};
    return { orientation: readHeifOrientation(standIn), blocks };
  };
  return { size, metadata };
}

/** The top-level box at the cursor, by walkBoxes' rules and with its refusals (heif.ts): size 0 runs to the end, 1 has a 64-bit size. */
async function topLevelBox(input: Cursor): Promise<{ type: number; end: number } | Problem> {
  const at = input.position;
  if (at + 8 > input.size) return cutOff;
  const header = await input.peek(16);
  let size = u32be(header, 0);
  let headerLength = 8;
  if (size === 1) {
    if (at + 16 > input.size) return cutOff;
    size = u32be(header, 8) * 2 ** 32 + u32be(header, 12);
    headerLength = 16;
  } else if (size === 0) {
    size = input.size - at;
  }
  if (size < headerLength) return malformedBox;
  if (at + size > input.size) return cutOff;
  return { type: u32be(header, 4), end: at + size };
}
