import { ascii } from "./bytes";
import { colorTableLength, skipSubBlocks } from "./headers";
import { Rebuild, type StripResult, label, unreadable } from "./rebuild";

/**
 * GIF allow-list: the header with its colour table, image blocks, graphic control
 * extensions (timing, transparency) and the application extensions that change
 * how the image is shown: the NETSCAPE/ANIMEXTS loop count and an ICC profile.
 * Comments, plain text (drawn by no browser), XMP and other application data go.
 * GIF has no EXIF, so no orientation to keep.
 */
export const keptApplications = new Set(["NETSCAPE2.0", "ANIMEXTS1.0", "ICCRGBG1012"]);
export const graphicControl = 0xf9;
export const application = 0xff;
const comment = 0xfe;
const plainText = 0x01;

export function stripGif(bytes: Uint8Array): StripResult {
  if (bytes.length < 13) return unreadable("GIF");
  const out = new Rebuild(bytes);
  let at = 13 + colorTableLength(bytes[10]);
  out.keep(0, at);
  while (at < bytes.length) {
    const block = bytes[at];
    if (block === 0x3b) {
      out.keep(at, bytes.length); // the trailer and the few zero bytes of padding the upload check allows
      return out.finish();
    }
    let end: number;
    if (block === 0x2c) {
      if (at + 10 > bytes.length) return unreadable("GIF");
      end = skipSubBlocks(bytes, at + 10 + colorTableLength(bytes[at + 9]) + 1); // + LZW code size
      if (end > bytes.length) return unreadable("GIF");
      out.keep(at, end);
    } else if (block === 0x21) {
      end = skipSubBlocks(bytes, at + 2);
      if (end > bytes.length) return unreadable("GIF");
      const kind = bytes[at + 1];
      const applicationId = kind === application && bytes[at + 2] === 11 ? ascii(bytes, at + 3, 11) : "";
      if (kind === graphicControl || keptApplications.has(applicationId)) out.keep(at, end);
      else out.removed.add(droppedExtension(kind, applicationId));
    } else {
      return unreadable("GIF");
    }
    at = end;
  }
  return unreadable("GIF"); // no trailer
}

export function droppedExtension(kind: number, applicationId: string): string {
  if (kind === comment) return label.comment;
  if (kind === plainText) return label.text;
  if (applicationId === "XMP DataXMP") return label.xmp;
  return label.other;
}
