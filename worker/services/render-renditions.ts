import { inspectImage } from "../images/inspect-stream";
import type { RenditionKind } from "./rendition-keys";

/**
 * The two renditions every image gets, both WebP with the EXIF orientation applied and no
 * metadata at all (the binding writes none into WebP): `display` for the image page and
 * shares, `thumb` for gallery tiles. The grid's rows are about 104 px tall on a phone, so a
 * 3:2 tile is ~160 px wide, 480 device px at 3×, and rows stretch to fill: 720 px keeps such
 * tiles off the display copy (it was 480 px; older thumbs keep their recorded size).
 * Neither is ever larger than the image itself (fit "scale-down").
 */
const renditionBounds: Record<RenditionKind, number> = { display: 2048, thumb: 720 };

export interface Rendition {
  bytes: Uint8Array;
  width: number;
  height: number;
}

export type RenditionErrorCode = "unsupported_format" | "transform_failed";

export class RenditionError extends Error {
  constructor(
    readonly code: RenditionErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "RenditionError";
  }
}

/**
 * Makes both renditions through the Images binding: the display one from the original
 * (streamed in, decoded once), then the thumb from the display one, which is small. A format
 * this binding cannot read at all is `unsupported_format` (locally: HEIC, since prebuilt sharp
 * has no HEVC decoder); any other failure, a corrupt body say, is `transform_failed`.
 */
export async function renderRenditions(images: ImagesBinding, source: ReadableStream<Uint8Array>, contentType: string) {
  try {
    const display = await toWebp(images, source, renditionBounds.display);
    const thumb = await toWebp(images, streamOf(display.bytes), renditionBounds.thumb);
    return { display, thumb };
  } catch (error) {
    if (await cannotRead(images, contentType)) {
      throw new RenditionError("unsupported_format", `The Images binding here cannot read ${contentType}`, { cause: error });
    }
    throw new RenditionError("transform_failed", "The Images binding could not transform the image", { cause: error });
  }
}

/** One WebP at most `maxSide` px a side, orientation applied, no metadata (the analysis' copy uses it too). */
export async function toWebp(images: ImagesBinding, source: ReadableStream<Uint8Array>, maxSide: number): Promise<Rendition> {
  const result = await images
    .input(source)
    .transform({ width: maxSide, height: maxSide, fit: "scale-down" })
    // anim: false makes an animated GIF's first frame the rendition, in production as locally.
    .output({ format: "image/webp", quality: 80, anim: false });
  const bytes = new Uint8Array(await new Response(result.image()).arrayBuffer());
  // The size from the WebP's own header: what was made, whatever the binding rounded.
  const made = await inspectImage(bytes);
  if (!made.ok || made.image.format !== "webp") throw new Error(`the binding returned no WebP (${result.contentType()})`);
  return { bytes, width: made.image.width, height: made.image.height };
}

/** A stream over bytes already in memory, without copying them (a Blob would). */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/**
 * Known-good samples of the formats whose support varies by environment (HEIC: read by
 * Cloudflare Images since July 2025, not by prebuilt sharp), and a PNG every binding reads.
 * 16×16 and 2×2 px, made for this purpose.
 */
const samples: Record<string, string> = {
  "image/heic":
    "AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAa1tZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAAA5waXRtAAAAAAACAAAAEGlkYXQAAAAAABAAEAAAADhpbG9jAQAAAERAAAIAAQAAAAAAAAHRAAEAAAAAAAAAJQACAAEAAAAAAAAAAQAAAAAAAAAIAAAAOGlpbmYAAAAAAAIAAAAVaW5mZQIAAAEAAQAAaHZjMQAAAAAVaW5mZQIAAAAAAgAAZ3JpZAAAAADYaXBycAAAALZpcGNvAAAAdmh2Y0MBA3AAAAAAAAAAAAAe8AD8/fj4AAAPAyAAAQAYQAEMAf//A3AAAAMAkAAAAwAAAwAeugJAIQABACpCAQEDcAAAAwCQAAADAAADAB6gIIEFluqumubgQEDAgAAAAwCAAAADAIQiAAEABkQBwXPBiQAAABRpc3BlAAAAAAAAAEAAAABAAAAAFGlzcGUAAAAAAAAAEAAAABAAAAAQcGl4aQAAAAADCAgIAAAAGmlwbWEAAAAAAAAAAgABAoECAAICA4QAAAAaaXJlZgAAAAAAAAAOZGltZwACAAEAAQAAAC1tZGF0AAAAISgBrwQSEwzg+OnCaD6Bex8LWjyftKsr40mfd7EYkqn/oA==",
};
const pngSample =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEElEQVQI12OIqjgBRAwQCgArLgZp8gKqawAAAABJRU5ErkJggg==";

/** Per binding, per format: settled verdicts only, so an outage is never remembered as "unsupported". */
const verdicts = new WeakMap<ImagesBinding, Map<string, boolean>>();

/**
 * Whether this binding is unable to read a format: it fails on a known-good sample of that
 * format while it reads a PNG. If it fails on both, the binding itself is failing: that is
 * no verdict, and the image's failure counts as an ordinary one, to be retried.
 */
async function cannotRead(images: ImagesBinding, contentType: string): Promise<boolean> {
  const sample = samples[contentType];
  if (!sample) return false;
  const known = verdicts.get(images)?.get(contentType);
  if (known !== undefined) return known;
  const [readsSample, readsPng] = await Promise.all([reads(images, sample), reads(images, pngSample)]);
  if (!readsSample && !readsPng) return false;
  const verdict = !readsSample;
  verdicts.set(images, (verdicts.get(images) ?? new Map<string, boolean>()).set(contentType, verdict));
  return verdict;
}

async function reads(images: ImagesBinding, base64: string) {
  try {
    await toWebp(images, streamOf(Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0))), 8);
    return true;
  } catch {
    return false;
  }
}
