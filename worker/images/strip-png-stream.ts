import { fourcc, u32be } from "./bytes";
import { withoutExifHeader } from "./exif";
import { keptExif, label, labelExif, startsWith } from "./strip-rules";
import type { Cursor } from "./stream-cursor";
import { type Output, type Walked, cannotFollow, done, maxHeldBlock, tooLarge } from "./stream-output";
import { asciiCaseBits, exifAnyCase, iend, kept, pngChunk, textChunks, xmpChunk } from "./strip-png";

const xmpKeyword = "XML:com.adobe.xmp\0";

/**
 * The PNG allow-list (strip-png.ts) as a walk over a stream: chunk by chunk to IEND, kept
 * chunks copied as they are read (IDAT never held), ancillary ones judged by
 * their header; only an EXIF chunk is looked at whole, up to maxHeldBlock.
 */
export async function walkPng(input: Cursor, out: Output): Promise<Walked<undefined>> {
  await out.copy(Math.min(8, input.size));
  let exifSeen = false;
  for (let at = 8; at + 12 <= input.size; at = input.position) {
    const header = await input.peek(8);
    const length = u32be(header, 0);
    const end = at + 12 + length;
    if (end > input.size) return cannotFollow("PNG");
    const type = u32be(header, 4);
    if (kept.has(type)) {
      await out.copy(end - at);
    } else if ((type | asciiCaseBits) >>> 0 === exifAnyCase) {
      if (input.cannotHold(length, maxHeldBlock)) return tooLarge("PNG");
      const tiff = withoutExifHeader((await input.peek(end - at)).subarray(8, 8 + length));
      let replacement: Uint8Array | undefined;
      if (exifSeen) labelExif(tiff, out.removed);
      else replacement = keptExif(tiff, out.removed);
      if (!exifSeen && replacement === tiff && type === fourcc("eXIf")) {
        await out.copy(end - at);
      } else {
        input.skip(end - at);
        if (replacement) await out.add(pngChunk("eXIf", replacement));
      }
      exifSeen = true;
    } else if (textChunks.has(type)) {
      const keyword = (await input.peek(8 + xmpKeyword.length)).subarray(8, 8 + Math.min(length, xmpKeyword.length));
      out.removed.add(startsWith(keyword, xmpKeyword) ? label.xmp : label.text);
      input.skip(end - at);
    } else {
      out.removed.add((type | asciiCaseBits) >>> 0 === xmpChunk ? label.xmp : label.other);
      input.skip(end - at);
    }
    if (type === iend) {
      await out.copy(input.size - end); // the few zero bytes of padding the upload check allows
      return done;
    }
  }
  return cannotFollow("PNG");
}
