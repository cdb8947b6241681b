import { createEffect, createMemo, createSignal, onCleanup, type Accessor, type Signal } from "solid-js";
import { ApiError, getImage } from "./api";
import type { ImageView } from "./api-shapes";

interface Copy {
  image: ImageView;
  /** Which fetch brought it, numbered as fetches start: answers may arrive out of order. */
  fetch: number;
}

/**
 * The freshest copy of each image, from whichever fetch started last: a page, a poll, a
 * revalidation. (Comparing URL expiries cannot tell: rendition URLs stay the same on purpose.)
 */
const live = new Map<string, Signal<Copy | undefined>>();
let fetches = 0;

function liveCopy(id: string): Signal<Copy | undefined> {
  const copy = live.get(id) ?? createSignal<Copy>();
  live.set(id, copy);
  return copy;
}

/** Runs a fetch of image views and keeps what it brings, unless a later-started fetch brought newer. */
export async function fetchImages<T>(load: () => Promise<T>, viewsOf: (result: T) => ImageView[]): Promise<T> {
  const fetch = ++fetches;
  const result = await load();
  for (const image of viewsOf(result)) {
    const [copy, setCopy] = liveCopy(image.id);
    if ((copy()?.fetch ?? 0) < fetch) setCopy({ image, fetch });
  }
  return result;
}

export function forget(id: string) {
  live.delete(id);
}

export function freshest(image: ImageView): ImageView {
  return liveCopy(image.id)[0]()?.image ?? image;
}

/**
 * Analysis done, skipped, or failed with no retry scheduled, and renditions no longer
 * pending: nothing more will change by itself.
 */
const isSettled = (image: ImageView) =>
  image.renditions_status !== "pending" &&
  (image.analysis_status === "done" ||
    image.analysis_status === "skipped" ||
    (image.analysis_status === "failed" && !image.analysis_retry_at));

const firstDelayMs = 400;
const maxDelayMs = 15_000;

/**
 * While an image's analysis or renditions are still under way, polls GET /images/:id with
 * exponential backoff (a scheduled retry waits for its time) until both settle.
 */
export function watchImage(image: Accessor<ImageView | undefined>) {
  const unsettled = createMemo(() => {
    const current = image();
    return current && !isSettled(current) ? current.id : undefined;
  });
  createEffect(() => {
    const id = unsettled();
    if (!id) return;
    let delay = firstDelayMs;
    let timer: ReturnType<typeof setTimeout>;
    let stopped = false;
    const poll = async () => {
      let gone = false;
      const fresh = await fetchImages(() => getImage(id), (image) => [image]).catch((error: unknown) => {
        // Deleted meanwhile (404) or signed out (401): nothing left to watch.
        gone = error instanceof ApiError && (error.status === 404 || error.status === 401);
        return undefined;
      });
      if (stopped || gone) return;
      if (fresh && isSettled(fresh)) return;
      delay = Math.min(delay * 2, maxDelayMs);
      const retryIn = fresh?.analysis_retry_at ? Date.parse(fresh.analysis_retry_at) - Date.now() : 0;
      timer = setTimeout(poll, Math.max(delay, Math.min(retryIn, 60_000)));
    };
    timer = setTimeout(poll, delay);
    onCleanup(() => {
      stopped = true;
      clearTimeout(timer);
    });
  });
}

/**
 * A copy whose URLs have expired (or are about to) is worth one re-fetch when its image fails
 * to load. Rendition URLs outlive file_url's FILE_URL_TTL, so its expiry speaks for them too.
 */
export async function refreshExpiredUrl(image: ImageView) {
  if (Date.parse(image.file_url_expires_at) - Date.now() > 30_000) return;
  await fetchImages(() => getImage(image.id), (fresh) => [fresh]).catch(() => undefined);
}
