import type { Image } from "../db/schema";
import type { Config } from "../env";

type ImagesConfig = Pick<Config, "IMAGES_INPUT_FORMATS" | "IMAGES_MAX_INPUT_BYTES" | "IMAGES_MAX_INPUT_PIXELS" | "IMAGES_MAX_INPUT_SIDE">;

/** What the Images binding would be given: a stored object's type, bytes and size as shown. */
export interface ImagesInput {
  contentType: string;
  size: number;
  width: number;
  height: number;
}

/** Why the binding is not given an input; stored as the image's renditions_error. */
type UnreadableReason = "unsupported_format" | "file_too_large" | "side_too_long" | "too_many_pixels";

/**
 * Whether the Images binding, as configured, reads an input; undefined when it does. Production's
 * Cloudflare Images reads no AVIF outside Enterprise plans and refuses inputs over 100 MB,
 * 100 megapixels or 12,000 px a side, while the local binding (sharp) reads all of them: so it
 * is decided from configuration and the row, before any call, never learnt from a failure
 * (issue 24, item 8).
 */
export function unreadableReason(config: ImagesConfig, input: ImagesInput): UnreadableReason | undefined {
  if (!config.IMAGES_INPUT_FORMATS.includes(input.contentType)) return "unsupported_format";
  if (input.size > config.IMAGES_MAX_INPUT_BYTES) return "file_too_large";
  if (Math.max(input.width, input.height) > config.IMAGES_MAX_INPUT_SIDE) return "side_too_long";
  if (input.width * input.height > config.IMAGES_MAX_INPUT_PIXELS) return "too_many_pixels";
  return undefined;
}

/** Formats every current browser shows in an <img> as they are (HEIC only Safari). */
const shownByBrowsers = new Set(["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"]);

type RenditionsPlan =
  | { kind: "render" }
  /** The stored original is the display copy and the thumb: no binding call, nothing stored. */
  | { kind: "original" }
  | { kind: "unsupported"; reason: UnreadableReason | "metadata_kept" };

/**
 * How an image gets its renditions. The binding makes them from what it reads. A format it
 * does not read but browsers show (AVIF) is shown as stored, since upload stripped it already;
 * never an original that kept its metadata (by the owner's choice, or stored before that was
 * recorded). Anything else the binding does not read, or beyond its limits (a huge original is
 * no display copy either), is unsupported for good, with the reason.
 */
export function planRenditions(
  config: ImagesConfig,
  image: ImagesInput & Pick<Image, "metadataStatus">,
): RenditionsPlan {
  const reason = unreadableReason(config, image);
  if (!reason) return { kind: "render" };
  if (reason !== "unsupported_format" || !shownByBrowsers.has(image.contentType)) return { kind: "unsupported", reason };
  const stripped = image.metadataStatus === "removed" || image.metadataStatus === "none_found";
  return stripped ? { kind: "original" } : { kind: "unsupported", reason: "metadata_kept" };
}
