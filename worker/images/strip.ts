import type { ImageFormat } from "./sniff";
import type { StripResult } from "./rebuild";
import { stripGif } from "./strip-gif";
import { stripHeif } from "./strip-heif";
import { stripJpeg } from "./strip-jpeg";
import { stripPng } from "./strip-png";
import { stripWebp } from "./strip-webp";

export type { StripResult } from "./rebuild";

/**
 * Lossless metadata removal by allow-list: per format, only what decodes and shows
 * the pixels as the camera meant them stays (the coded image, colour data such as
 * the ICC profile, transparency, animation, and the orientation); every other
 * segment, chunk, block, box or item goes, whatever it is called. Pixels are never
 * decoded: what stays is copied byte for byte. See each format's file for its list.
 *
 * The upload path has already validated the file. A structure that does not add up
 * is refused (`ok: false`) rather than stored with whatever it may carry; this
 * never throws, and its loops are bounded by the input's length.
 */
export function stripMetadata(bytes: Uint8Array, format: ImageFormat): StripResult {
  return strippers[format](bytes);
}

const strippers: Record<ImageFormat, (bytes: Uint8Array) => StripResult> = {
  jpeg: stripJpeg,
  png: stripPng,
  webp: stripWebp,
  gif: stripGif,
  avif: stripHeif,
  heic: stripHeif,
};
