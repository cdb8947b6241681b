import { createEffect, createMemo, createSignal, onCleanup, type Accessor, type Signal } from "solid-js";
import { ApiError, getImage } from "./api";
import type { ImageView } from "./api-shapes";

/** The latest copy of each image fetched by polling; newer than a page fetched earlier. */
const live = new Map<string, Signal<ImageView | undefined>>();

function liveCopy(id: string): Signal<ImageView | undefined> {
  const copy = live.get(id) ?? createSignal<ImageView>();
  live.set(id, copy);
  return copy;
}

function remember(image: ImageView) {
  liveCopy(image.id)[1](image);
}

export function forget(id: string) {
  live.delete(id);
}

/** Every fetch signs a new URL, so a later expiry means a later, fresher copy. */
export function freshest(image: ImageView): ImageView {
  const polled = liveCopy(image.id)[0]();
  return polled && polled.file_url_expires_at > image.file_url_expires_at ? polled : image;
}

/** Done, skipped, or failed with no retry scheduled: nothing more will change by itself. */
const isSettled = (image: ImageView) =>
  image.analysis_status === "done" ||
  image.analysis_status === "skipped" ||
  (image.analysis_status === "failed" && !image.analysis_retry_at);

const firstDelayMs = 400;
const maxDelayMs = 15_000;

/**
 * While an image's analysis is still running, polls GET /images/:id with exponential
 * backoff (a scheduled retry waits for its time) until the status settles.
 */
export function watchAnalysis(image: Accessor<ImageView | undefined>) {
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
      const fresh = await getImage(id).catch((error: unknown) => {
        // Deleted meanwhile (404) or signed out (401): nothing left to watch.
        gone = error instanceof ApiError && (error.status === 404 || error.status === 401);
        return undefined;
      });
      if (stopped || gone) return;
      if (fresh) remember(fresh);
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

/** A presigned URL that has expired (or is about to) is worth one re-fetch when its image fails to load. */
export async function refreshExpiredUrl(image: ImageView) {
  if (Date.parse(image.file_url_expires_at) - Date.now() > 30_000) return;
  const fresh = await getImage(image.id).catch(() => undefined);
  if (fresh) remember(fresh);
}
