import { setTimeout as sleep } from "node:timers/promises";

/**
 * Following uploads through the follow-up work (renditions, then analysis) from outside, by the
 * HTTP API alone: whether that work runs in waitUntil or a queue consumer, what a client sees is
 * the image's row as GET /images and GET /images/:id show it.
 */

/** The fields of an image view this looks at. */
export interface ImageState {
  id: string;
  sha256: string;
  thumb_url: string | null;
  renditions_status: string;
  analysis_status: string;
  analysis_retry_at: string | null;
}

/** The three minutes the brief allows the pipeline to finish a burst in. */
export const pipelineDeadlineMs = 180_000;

/** Renditions made and analysis done or skipped: the image is all a client will see. */
export const isDone = (image: ImageState) =>
  image.renditions_status === "done" && image.thumb_url !== null && (image.analysis_status === "done" || image.analysis_status === "skipped");

/** Nothing more will change by itself (the web app's rule, web/src/lib/live-images.ts), done or not. */
const isSettled = (image: ImageState) =>
  image.renditions_status !== "pending" &&
  (image.analysis_status === "done" || image.analysis_status === "skipped" || (image.analysis_status === "failed" && !image.analysis_retry_at));

/** An uploaded image to follow, with its owner's token and when its upload was answered (performance.now()). */
export interface TrackedUpload {
  id: string;
  token: string;
  answeredAt: number;
}

interface Followed {
  /** When a poll first saw its thumb_url, and first saw it done (performance.now()). */
  thumbAt?: number;
  doneAt?: number;
  last?: ImageState;
}

export interface WatchOutcome {
  followed: Map<string, Followed>;
  /** Answered 201 but absent from its owner's listing at the last poll. */
  lost: string[];
  /** Settled short of done (renditions or analysis failed for good), and still under way at the deadline. */
  failed: ImageState[];
  unfinished: ImageState[];
  /** Listing requests that answered 5xx or not at all. */
  pollFailures: { serverErrors: number; other: number; first?: string };
  /** The mean time from one poll of an image to the next: what an observed time may be late by. */
  resolutionMs: number;
}

/**
 * Polls every owner's listing (every page; the owners side by side, so a round takes one
 * listing's time) with `pauseMs` between rounds, from the start of the uploads: `tracked` grows
 * as they are answered, and the watch ends once `uploadsAnswered` has resolved and every tracked
 * image is settled, or `deadlineMs` after `from`.
 */
export async function watchUntilDone(
  baseUrl: string,
  tracked: TrackedUpload[],
  opts: { from: number; pauseMs: number; uploadsAnswered: Promise<unknown>; deadlineMs?: number },
): Promise<WatchOutcome> {
  const deadline = opts.from + (opts.deadlineMs ?? pipelineDeadlineMs);
  let answered = false;
  void opts.uploadsAnswered.finally(() => {
    answered = true;
  });
  const followed = new Map<string, Followed>();
  const owners = new Map<string, string[]>();
  const pollFailures: WatchOutcome["pollFailures"] = { serverErrors: 0, other: 0 };
  const listed = new Set<string>();
  const roundStarts: number[] = [];
  const pollOwner = async (token: string, ids: string[]) => {
    // An owner whose images are all settled, or whose listing failed this round, keeps what was seen last.
    const keep = () => {
      for (const id of ids) listed.add(id);
    };
    if (ids.every((id) => isFinished(followed.get(id)))) return keep();
    const listing = await listAll(baseUrl, token).catch((error: unknown) => error as Error);
    const seenAt = performance.now();
    if (listing instanceof Error) {
      pollFailures[/answered 5\d\d/.test(listing.message) ? "serverErrors" : "other"]++;
      pollFailures.first ??= listing.message;
      return keep();
    }
    for (const image of listing.images) {
      const state = followed.get(image.id);
      if (!state) continue;
      listed.add(image.id);
      state.last = image;
      if (image.thumb_url && state.thumbAt === undefined) state.thumbAt = seenAt;
      if (isDone(image) && state.doneAt === undefined) state.doneAt = seenAt;
    }
  };
  for (;;) {
    const finalRound = answered;
    for (const t of tracked.slice(followed.size)) {
      followed.set(t.id, {});
      owners.set(t.token, [...(owners.get(t.token) ?? []), t.id]);
    }
    roundStarts.push(performance.now());
    listed.clear();
    await Promise.all([...owners].map(([token, ids]) => pollOwner(token, ids)));
    if ((finalRound && [...followed.values()].every(isFinished)) || performance.now() > deadline) break;
    await sleep(opts.pauseMs);
  }
  const unsettled = [...followed.entries()].filter(([id, state]) => listed.has(id) && state.doneAt === undefined && state.last);
  const lastSeen = unsettled.map(([, state]) => state.last as ImageState);
  const gaps = roundStarts.slice(1).map((at, i) => at - roundStarts[i]);
  return {
    followed,
    lost: tracked.filter((t) => !listed.has(t.id)).map((t) => t.id),
    failed: lastSeen.filter(isSettled),
    unfinished: lastSeen.filter((image) => !isSettled(image)),
    pollFailures,
    resolutionMs: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0,
  };
}

const isFinished = (state: Followed | undefined) => state?.doneAt !== undefined || (state?.last !== undefined && isSettled(state.last));

/** Every image of the token's owner, through GET /images page by page, and the requests it took. */
export async function listAll(baseUrl: string, token: string, pageSize = 100): Promise<{ images: ImageState[]; requests: number }> {
  const images: ImageState[] = [];
  let requests = 0;
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    requests++;
    const res = await fetch(`${baseUrl}/images?limit=${pageSize}${query}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
    if (res.status !== 200) throw new Error(`GET /images answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const page = (await res.json()) as { images: ImageState[]; next_cursor: string | null };
    images.push(...page.images);
    cursor = page.next_cursor;
  } while (cursor);
  return { images, requests };
}

/**
 * What the web app does after an upload (web/src/lib/live-images.ts, watchImage): GET /images/:id
 * after 400 ms, then doubling up to 15 s (or until a scheduled retry is due), until the image is
 * settled. Returns the image as last seen and the requests it took.
 */
export async function followLikeTheWebApp(baseUrl: string, token: string, id: string, deadline: number) {
  let delay = 400;
  let requests = 0;
  for (;;) {
    await sleep(delay);
    requests++;
    const res = await fetch(`${baseUrl}/images/${id}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
    if (res.status !== 200) throw new Error(`GET /images/${id} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const image = (await res.json()) as ImageState;
    if (isSettled(image)) return { image, requests, settledAt: performance.now() };
    if (performance.now() > deadline) return { image, requests, settledAt: undefined };
    delay = Math.min(delay * 2, 15_000);
    const retryIn = image.analysis_retry_at ? Date.parse(image.analysis_retry_at) - Date.now() : 0;
    delay = Math.max(delay, Math.min(retryIn, 60_000));
  }
}
