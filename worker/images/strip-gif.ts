import { label } from "./strip-rules";

/**
 * GIF allow-list: the header with its colour table, image blocks, graphic control
 * extensions (timing, transparency) and the application extensions that change
 * how the image is shown: the NETSCAPE/ANIMEXTS loop count and an ICC profile.
 * Comments, plain text (drawn by no browser), XMP and other application data go.
 * GIF has no EXIF, so no orientation to keep.
 * The rules; strip-gif-stream.ts walks the file by them.
 */
export const keptApplications = new Set(["NETSCAPE2.0", "ANIMEXTS1.0", "ICCRGBG1012"]);
export const graphicControl = 0xf9;
export const application = 0xff;
const comment = 0xfe;
const plainText = 0x01;

export function droppedExtension(kind: number, applicationId: string): string {
  if (kind === comment) return label.comment;
  if (kind === plainText) return label.text;
  if (applicationId === "XMP DataXMP") return label.xmp;
  return label.other;
}
