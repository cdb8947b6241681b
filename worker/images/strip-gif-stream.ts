import { ascii } from "./bytes";
import { colorTableLength } from "./headers";
import type { Cursor } from "./stream-cursor";
import { type Output, type Walked, cannotFollow, done } from "./stream-output";
import { application, droppedExtension, graphicControl, keptApplications } from "./strip-gif";

/**
 * The GIF allow-list (strip-gif.ts) as a walk over a stream: block by block to the trailer,
 * each block kept or dropped as its first bytes say, its sub-blocks copied or
 * passed over as they are read.
 */
export async function walkGif(input: Cursor, out: Output): Promise<Walked<undefined>> {
  if (input.size < 13) return cannotFollow("GIF");
  const headerEnd = 13 + colorTableLength((await input.peek(13))[10]);
  await out.copy(Math.min(headerEnd, input.size));
  while (input.position < input.size) {
    const at = input.position;
    const block = (await input.peek(1))[0];
    if (block === 0x3b) {
      await out.copy(input.size - at); // the trailer and the few zero bytes of padding the upload check allows
      return done;
    }
    if (block === 0x2c) {
      const descriptor = await input.peek(10);
      if (descriptor.length < 10) return cannotFollow("GIF");
      const dataStart = 10 + colorTableLength(descriptor[9]) + 1; // + LZW code size
      if (at + dataStart >= input.size) return cannotFollow("GIF");
      await out.copy(dataStart);
      if (!(await passSubBlocks(input, out, true))) return cannotFollow("GIF");
    } else if (block === 0x21) {
      const head = await input.peek(14);
      const kind = head[1];
      const applicationId = kind === application && head[2] === 11 ? ascii(head, 3, 11) : "";
      const keep = kind === graphicControl || keptApplications.has(applicationId);
      if (at + 2 >= input.size) return cannotFollow("GIF");
      if (keep) await out.copy(2);
      else input.skip(2);
      if (!(await passSubBlocks(input, out, keep))) return cannotFollow("GIF");
      if (!keep) out.removed.add(droppedExtension(kind, applicationId));
    } else {
      return cannotFollow("GIF");
    }
  }
  return cannotFollow("GIF"); // no trailer
}

/** Walks a sub-block chain, copying or not: true once the zero-length terminator has gone by. */
export async function passSubBlocks(input: Cursor, out: Output, keep: boolean): Promise<boolean> {
  let pending = 0; // bytes of the current sub-block not yet passed
  for (;;) {
    const at = await input.available();
    if (at.length === 0) return false;
    let i = pending;
    let terminated = false;
    while (i < at.length) {
      const length = at[i];
      i += 1 + length;
      if (length === 0) {
        terminated = true;
        break;
      }
    }
    const passed = Math.min(i, at.length);
    if (keep) await out.copy(passed);
    else input.skip(passed);
    if (terminated) return true;
    pending = i - passed;
  }
}
