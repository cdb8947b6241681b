import { u32be } from "./bytes";
import { Edits, type Node } from "./heif-rewrite";
import { asciiBytes, label } from "./strip-rules";
import type { Cursor } from "./stream-cursor";
import { type Output, Planner, type Walked, cannotFollow, tooLarge } from "./stream-output";
import { stripMetaModel } from "./strip-heif-meta-stream";
import { clearMovie, keptTopLevel, type, xmpUuid } from "./strip-heif";

/** What the first pass decided that the second writes: meta as stripped, and the file ranges zeroed. */
export interface HeifPlan {
  meta?: { from: number; bytes: Uint8Array };
  zeroed: [number, number][];
  removed: string[];
}

/** meta and moov are held whole to be rewritten; past this size the file is refused. */
export const maxHeldBox = 4 * 1024 * 1024;
const free = asciiBytes("free");

/**
 * The HEIF allow-list (strip-heif.ts) as a walk over ranged reads. Stripping HEIF moves no
 * byte and changes no length, so the file streams as it is with three kinds of
 * change laid over it: meta (read whole and stripped by the same rules, its item
 * tables rebuilt by heif-rewrite), moov (its udta/meta gone, times zeroed), other
 * top-level boxes turned into zeroed `free` boxes; and the bytes of dropped items
 * (Exif, XMP, thumbnails), wherever in the file they are, zeroed. The first pass
 * reads only box headers, meta, moov and the Exif item (for what it held); mdat
 * is never held, and may come before meta.
 */
export async function walkHeif(input: Cursor, out: Output, plan?: HeifPlan): Promise<Walked<HeifPlan>> {
  if (plan) {
    // What is zeroed must be known before mdat goes by, and mdat may come first: plan again, and compare.
    const replanning = input.fork(0);
    const again = await walkHeif(replanning, new Planner(replanning));
    if (!again.ok || !samePlan(again.plan, plan)) throw new Error("The object changed while its metadata was being stripped.");
    out.zeroRanges(plan.zeroed);
  }
  let meta: { from: number; node: Node; bytes: Uint8Array } | undefined;
  while (input.position < input.size) {
    const box = await nextBox(input);
    if (!box) return cannotFollow("HEIF");
    const length = box.end - box.from;
    const relative = { type: box.type, from: 0, start: box.start - box.from, end: length };
    if (box.type === type.meta && !meta) {
      if (input.cannotHold(length, maxHeldBox)) return tooLarge("HEIF");
      meta = { from: box.from, node: relative, bytes: plan?.meta?.bytes ?? (await input.peek(length)).slice() };
      if (plan?.meta) input.skip(length);
      await (plan?.meta ? out.add(plan.meta.bytes) : out.copy(length));
    } else if (box.type === type.moov) {
      if (input.cannotHold(length, maxHeldBox)) return tooLarge("HEIF");
      const edits = new Edits(await input.peek(length));
      if (!clearMovie(edits, relative)) return cannotFollow("HEIF");
      for (const what of edits.removed) out.removed.add(what);
      input.skip(length);
      await out.add(edits.bytes);
    } else if (!keptTopLevel.has(box.type) || box.type === type.meta) {
      const headerLength = box.start - box.from;
      const head = await input.peek(headerLength + xmpUuid.length); // past a short box's end too
      const isXmp = box.type === type.uuid && xmpUuid.every((byte, i) => head[headerLength + i] === byte);
      out.removed.add(isXmp ? label.xmp : label.other);
      const header = head.slice(0, headerLength);
      header.set(free, 4); // the box stays, as `free` with its payload zeroed: nothing after it moves
      input.skip(length);
      await out.add(header);
      await out.addRepeated(0, box.end - box.start);
    } else {
      await out.copy(length);
    }
  }
  if (plan) {
    for (const what of plan.removed) out.removed.add(what);
    return { ok: true, plan };
  }
  const zeroed: [number, number][] = [];
  if (meta) {
    const edits = new Edits(meta.bytes);
    const stripped = await stripMetaModel(input, edits, meta.node, meta.from, zeroed);
    if (stripped !== true) return stripped === false ? cannotFollow("HEIF") : stripped;
    for (const what of edits.removed) out.removed.add(what);
    meta.bytes = edits.bytes;
  }
  return { ok: true, plan: { meta: meta && { from: meta.from, bytes: meta.bytes }, zeroed: merged(zeroed), removed: [...out.removed] } };
}

/** The top-level box at the cursor, by walkBoxes' rules (size 0: to the end; 1: a 64-bit size follows); undefined if it does not fit. */
async function nextBox(input: Cursor): Promise<Node | undefined> {
  const at = input.position;
  if (at + 8 > input.size) return undefined;
  const header = await input.peek(16);
  let size = u32be(header, 0);
  let headerLength = 8;
  if (size === 1) {
    if (at + 16 > input.size) return undefined;
    size = u32be(header, 8) * 2 ** 32 + u32be(header, 12);
    headerLength = 16;
  } else if (size === 0) {
    size = input.size - at;
  }
  if (size < headerLength || at + size > input.size) return undefined;
  return { type: u32be(header, 4), from: at, start: at + headerLength, end: at + size };
}

function merged(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [start, end] of ranges.sort((a, b) => a[0] - b[0])) {
    const last = out.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

const samePlan = (a: HeifPlan, b: HeifPlan) =>
  a.meta?.from === b.meta?.from &&
  a.meta?.bytes.length === b.meta?.bytes.length &&
  (a.meta?.bytes ?? []).every((byte, i) => b.meta?.bytes[i] === byte) &&
  a.removed.join("\n") === b.removed.join("\n") &&
  a.zeroed.join(";") === b.zeroed.join(";");
