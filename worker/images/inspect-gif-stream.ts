import { cutOff, u16le } from "./bytes";
import { colorTableLength, headerProblems } from "./headers";
import { type Walked, rejectTail } from "./inspect-walk";
import type { Cursor } from "./stream-cursor";
import { Planner } from "./stream-output";
import { passSubBlocks } from "./strip-gif-stream";

/** GIF carries no EXIF and its XMP is not read: upright, no capture time. */
const noMetadata = { orientation: 1, blocks: {} };

/**
 * GIF's size reader: block by block to the trailer, sub-block
 * chains followed (and so read) but not held; the first frame can grow the size.
 */
export async function walkGifForInspection(input: Cursor): Promise<Walked> {
  if (input.size < 13) return cutOff;
  const header = await input.peek(13);
  const size = { width: u16le(header, 6), height: u16le(header, 8) };
  const subBlocks = new Planner(input); // moves the cursor over sub-blocks, keeping none of them
  let hasFrame = false;
  input.seek(13 + colorTableLength(header[10]));
  while (input.position < input.size) {
    const at = input.position;
    const block = (await input.peek(1))[0];
    if (block === 0x3b) return (await rejectTail(input, at + 1)) ?? { size, metadata: async () => noMetadata };
    if (block === 0x21) {
      input.seek(at + 2);
    } else if (block === 0x2c) {
      if (at + 10 > input.size) return cutOff;
      const descriptor = await input.peek(10);
      if (!hasFrame) {
        // Decoders grow the canvas to fit the first frame, so that is what gets allocated.
        size.width = Math.max(size.width, u16le(descriptor, 1) + u16le(descriptor, 5));
        size.height = Math.max(size.height, u16le(descriptor, 3) + u16le(descriptor, 7));
        hasFrame = true;
      }
      input.seek(at + 10 + colorTableLength(descriptor[9]) + 1); // + LZW code size
    } else {
      return headerProblems.unknownBlock;
    }
    if (!(await passSubBlocks(input, subBlocks, true))) return cutOff;
  }
  return cutOff;
}
