import type { Deps } from "../deps";
import { AnalysisError } from "./gemini";
import { type ImagesInput, unreadableReason } from "./images-input";
import { getObjectBytes, getObjectStream } from "./object-store";
import { toWebp } from "./render-renditions";

/**
 * The longest side Gemini gets. It bills 258 tokens per 768×768 tile: a 12 MP photo is ~24
 * tiles (~6,200 tokens, 4–10 MB of base64), a 1,024 px copy 2–4 tiles, and describes as well.
 */
export const analysisMaxSide = 1024;

/** What the analysis knows of an image's stored objects: the original, and the display rendition once made. */
export interface AnalysisSource {
  key: string;
  contentType: string;
  size: number;
  width: number;
  height: number;
  displayKey: string | null;
  displaySize: number | null;
  displayWidth: number | null;
  displayHeight: number | null;
}

/** The image types Gemini takes inline (its documentation lists no GIF or AVIF). */
const geminiInputTypes = new Set(["image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"]);

/**
 * What Gemini sees: the stored original when it is small already and of a type Gemini takes;
 * otherwise a WebP of at most `analysisMaxSide` px made by the Images binding, from the display
 * rendition when there is one (≤ 2,048 px, a fraction of the original's bytes). An input the
 * binding is configured not to read (AVIF, beyond its limits) is never given to it, and one it
 * fails on (HEIC locally): both fall back to the original, as before this copy existed.
 */
export async function analysisCopy(deps: Pick<Deps, "config" | "s3" | "images">, claimed: AnalysisSource): Promise<{ bytes: Uint8Array; contentType: string }> {
  const source = copySource(claimed);
  const needsCopy = Math.max(claimed.width, claimed.height) > analysisMaxSide || !geminiInputTypes.has(claimed.contentType);
  if (needsCopy && !unreadableReason(deps.config, source)) {
    const stream = await fromStorage(getObjectStream(deps, source.key).then((object) => object.body));
    const copy = await toWebp(deps.images, stream, analysisMaxSide).catch(() => undefined);
    if (copy) return { bytes: copy.bytes, contentType: "image/webp" };
  }
  return { bytes: await fromStorage(getObjectBytes(deps, claimed.key)), contentType: claimed.contentType };
}

/** The display rendition when one was made (a WebP); the original otherwise, or when it is its own display copy. */
function copySource(claimed: AnalysisSource): ImagesInput & { key: string } {
  const { displayKey, displaySize, displayWidth, displayHeight } = claimed;
  if (displayKey && displayKey !== claimed.key && displaySize && displayWidth && displayHeight) {
    return { key: displayKey, contentType: "image/webp", size: displaySize, width: displayWidth, height: displayHeight };
  }
  return { key: claimed.key, contentType: claimed.contentType, size: claimed.size, width: claimed.width, height: claimed.height };
}

/** A read from the bucket that failed is a transient failure of the analysis, retried like Gemini's. */
function fromStorage<T>(read: Promise<T>) {
  return read.catch((error: unknown) => {
    throw new AnalysisError("upstream_error", "The image could not be read from storage", true, undefined, { cause: error });
  });
}

