import { u16be } from "./bytes";
import { keptExif, label, labelExif, startsWith } from "./strip-rules";
import type { Cursor } from "./stream-cursor";
import { type Output, type Walked, cannotFollow, done } from "./stream-output";
import { exifSegment, isCodingSegment, otherSegment } from "./strip-jpeg";

/**
 * The JPEG allow-list (strip-jpeg.ts) as a walk over a stream, segment by
 * segment, each segment (64 KiB at most) looked at whole, scan data copied as it
 * is read. Runs of fill bytes and the zero padding after EOI are counted, not held.
 */
export async function walkJpeg(input: Cursor, out: Output): Promise<Walked<undefined>> {
  await out.copy(Math.min(2, input.size));
  let exifSeen = false;
  while (input.position < input.size) {
    if ((await input.peek(1))[0] !== 0xff) return cannotFollow("JPEG");
    const fill = await countRun(input, 0xff); // fill bytes may precede any marker
    const marker = (await input.peek(1))[0];
    if (marker === undefined) return cannotFollow("JPEG");
    input.skip(1);
    const keepMarker = async () => {
      await out.addRepeated(0xff, fill);
      await out.add(Uint8Array.of(marker));
    };
    if (marker === 0xd9) {
      await keepMarker();
      // A little zero padding may follow; anything else is another image (MPF preview, gain map).
      const zeros = await countRun(input, 0);
      if (input.position < input.size) out.removed.add(label.previews);
      else await out.addRepeated(0, zeros);
      return done;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      await keepMarker(); // standalone markers carry no length
      continue;
    }
    if (marker === 0x00 || marker === 0xd8 || input.position + 2 > input.size) return cannotFollow("JPEG");
    const length = u16be(await input.peek(2), 0);
    if (length < 2 || input.position + length > input.size) return cannotFollow("JPEG");
    if (marker === 0xda) {
      await keepMarker();
      await out.copy(length);
      await copyEntropyCodedData(input, out); // the scan and its coded data are pixels: copied as they are
      continue;
    }
    const body = (await input.peek(length)).subarray(2);
    if (isCodingSegment(marker)) {
      await keepMarker();
      await out.copy(length);
    } else if (marker === 0xe1 && startsWith(body, "Exif\0")) {
      const tiff = body.subarray(6);
      // Only the first EXIF, the one a viewer reads, may stay (as its orientation alone).
      let replacement: Uint8Array | undefined;
      if (exifSeen) labelExif(tiff, out.removed);
      else replacement = keptExif(tiff, out.removed);
      const keep = !exifSeen && replacement === tiff;
      exifSeen = true;
      if (keep) {
        await keepMarker();
        await out.copy(length);
      } else {
        input.skip(length);
        if (replacement) await out.add(exifSegment(replacement));
      }
    } else {
      const decision = otherSegment(marker, body, out.removed);
      if (decision === "keep") {
        await keepMarker();
        await out.copy(length);
      } else {
        input.skip(length);
        if (decision) await out.add(decision);
      }
    }
  }
  return cannotFollow("JPEG"); // no EOI
}

/** Moves past a run of `byte`, however long, and says how long it was. */
export async function countRun(input: Cursor, byte: number): Promise<number> {
  let count = 0;
  for (;;) {
    const at = await input.available();
    let i = 0;
    while (i < at.length && at[i] === byte) i++;
    count += i;
    input.skip(i);
    if (i < at.length || at.length === 0) return count;
  }
}

const isRestart = (byte: number) => byte >= 0xd0 && byte <= 0xd7;

/** skipEntropyCodedData (headers.ts), copying: scan data runs to the next marker; FF 00 and RSTn belong to it. */
export async function copyEntropyCodedData(input: Cursor, out: Output): Promise<void> {
  for (;;) {
    const at = await input.available();
    if (at.length === 0) return;
    for (let from = 0; ; ) {
      const ff = at.indexOf(0xff, from);
      if (ff === -1) {
        await out.copy(at.length);
        break;
      }
      if (ff + 1 === at.length) {
        await out.copy(ff);
        const pair = await input.peek(2);
        if (pair.length < 2) return out.copy(pair.length); // the file's last byte: kept, and no EOI follows
        if (pair[1] !== 0x00 && !isRestart(pair[1])) return;
        await out.copy(2);
        break;
      }
      const next = at[ff + 1];
      if (next !== 0x00 && !isRestart(next)) return out.copy(ff);
      from = ff + 2;
    }
  }
}
