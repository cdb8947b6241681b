import { type ImageSize, type Problem, ascii, cutOff, isProblem, u16be } from "./bytes";
import { orientationOf } from "./exif";
import { headerProblems, isStandaloneMarker, isStartOfFrame } from "./headers";
import { type Metadata, type Walked, held, rejectTail } from "./inspect-walk";
import { maxBlockBytes, xmpJpegHeader } from "./metadata-blocks";
import type { Cursor } from "./stream-cursor";
import { Planner } from "./stream-output";
import { copyEntropyCodedData, countRun } from "./strip-jpeg-stream";

/**
 * JPEG's size reader, segment by segment: where a scan's coded
 * data ends, and so whether EOI, further JPEGs (MPF previews, Ultra HDR gain maps) or
 * other data follow, is known only by reading all of it, so all of it is read, a read
 * at a time, and none of it held. Then, from the first read kept aside, the walk to
 * the EXIF and XMP segments, which stops at the first scan.
 */
export async function walkJpegForInspection(input: Cursor): Promise<Walked> {
  const head = input.fork(0); // the first read: the metadata walk rarely leaves it
  const primary = await readOneJpeg(input, 0);
  if (isProblem(primary)) return primary;
  let end = primary.end;
  for (;;) {
    input.seek(end);
    const next = await input.peek(3);
    if (next[0] !== 0xff || next[1] !== 0xd8 || next[2] !== 0xff) break;
    const appended = await readOneJpeg(input, end);
    if (isProblem(appended)) return appended;
    end = appended.end;
  }
  return (await rejectTail(input, end)) ?? { size: primary.size, metadata: () => readJpegMetadata(head) };
}

/** readJpegStream: one SOI…EOI stream from `start`; `end` is just past its EOI. */
async function readOneJpeg(input: Cursor, start: number): Promise<{ size: ImageSize; end: number } | Problem> {
  const scanData = new Planner(input); // moves the cursor over coded data, keeping none of it
  let size: ImageSize | undefined;
  let hasScan = false;
  input.seek(start + 2);
  for (;;) {
    if (input.position >= input.size) return cutOff;
    // One look per segment (a file of a million tiny segments is read in seconds): FF, the marker,
    // the length, then a frame header's precision, height and width.
    let segment = await input.peek(9);
    if (segment[0] !== 0xff) return headerProblems.malformedSegment;
    if (segment[1] === 0xff) {
      await countRun(input, 0xff); // fill bytes may precede any marker
      if (input.position >= input.size) return cutOff;
      input.seek(input.position - 1);
      segment = await input.peek(9);
    }
    const marker = segment[1];
    input.skip(2);
    if (marker === 0xd9) {
      if (!size || !hasScan) return headerProblems.noImageData;
      return { size, end: input.position };
    }
    if (isStandaloneMarker(marker)) continue;
    if (marker === 0x00 || marker === 0xd8) return headerProblems.malformedSegment;
    if (input.position + 2 > input.size) return cutOff;
    const length = u16be(segment, 2);
    if (length < 2) return headerProblems.malformedSegment;
    if (input.position + length > input.size) return cutOff;
    if (isStartOfFrame(marker) && !size) {
      if (length < 8) return headerProblems.malformedFrame;
      size = { width: u16be(segment, 7), height: u16be(segment, 5) };
    }
    input.skip(length);
    if (marker === 0xda) {
      if (!size) return headerProblems.scanBeforeFrame;
      hasScan = true;
      await copyEntropyCodedData(input, scanData);
    }
  }
}

const exifHeader = "Exif\0";

/**
 * The first EXIF and XMP segments, found by following the chain of segment lengths from
 * offset 2 (not the size reader's: it takes a fill byte or a standalone marker for a
 * marker with a length, and may then land anywhere), each search stopping at its own find.
 */
async function readJpegMetadata(input: Cursor): Promise<Metadata> {
  let exif: Uint8Array | undefined;
  let xmp: Uint8Array | undefined;
  let exifFound = false;
  let xmpFound = false;
  for (let at = 2; at + 4 <= input.size && !(exifFound && xmpFound); ) {
    input.seek(at);
    const head = await input.peek(4 + xmpJpegHeader.length);
    const marker = head[1];
    if (head[0] !== 0xff || marker === 0xda || marker === 0xd9) break; // pixels start: no metadata past here
    const end = at + 2 + u16be(head, 2);
    const segmentEnd = Math.min(end, input.size);
    if (marker === 0xe1 && !exifFound && ascii(head, 4, exifHeader.length) === exifHeader) {
      exifFound = true;
      // "Exif\0" then a pad byte that writers do not all set to zero.
      exif = at + 10 < segmentEnd ? await held(input, at + 10, segmentEnd) : new Uint8Array(0);
    } else if (marker === 0xe1 && !xmpFound && ascii(head, 4, xmpJpegHeader.length) === xmpJpegHeader) {
      xmpFound = true;
      const start = at + 4 + xmpJpegHeader.length;
      xmp = start < segmentEnd ? await held(input, start, Math.min(segmentEnd, start + maxBlockBytes)) : undefined;
    }
    at = end;
  }
  return { orientation: orientationOf(exif), blocks: { exif, xmp } };
}
