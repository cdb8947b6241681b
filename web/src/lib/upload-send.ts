import { ApiError } from "./api";
import * as api from "./api-uploads";
import { TransientError, backoffMs, maxTries, partCount, partRange, partSizeFor, pause, putPart } from "./upload-parts";
import { stripOffThread } from "./upload-stripper";
import type { StoredUpload } from "./upload-store";

/**
 * One file's way to the bucket, in three steps the queue (upload-queue.ts) schedules apart:
 * `prepareFile` (strip, create the upload or ask what arrived, sign the first part) before the
 * file has a connection, `sendParts` while it holds one, `completeFile` after it gave it back.
 */

/** One file on its way: its record and bytes, a way to change them (kept in IndexedDB too), and its progress. */
export interface Sending {
  record: () => StoredUpload;
  bytes: () => Blob;
  update: (patch: Partial<StoredUpload>, bytes?: Blob) => void;
  /** Resolves once the final bytes and the record as it now is are stored (or cannot be). */
  kept: () => Promise<void>;
  report: (state: "preparing" | "uploading" | "processing", sent: number) => void;
}

/** What is left to send once a file is prepared: its missing parts, and the first one's URL on its way. */
interface Plan {
  missing: number[];
  firstUrl?: Promise<string | undefined>;
}

const isTransient = (error: unknown) =>
  error instanceof TransientError ||
  // fetch rejects with a TypeError when the network fails.
  error instanceof TypeError ||
  (error instanceof ApiError && (error.status >= 500 || error.status === 429 || error.status === 408));

/**
 * Runs `attempt` until it succeeds, retrying transient failures with exponential backoff and
 * jitter (`maxTries` in all). Time spent offline does not count: the queue stops everything
 * then, and starts again when the browser is back online.
 */
async function retrying<T>(attempt: () => Promise<T>, signal: AbortSignal, onRetry?: () => void): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (!isTransient(error) || tries >= maxTries) throw error;
      onRetry?.();
      await pause(backoffMs(tries), signal);
    }
  }
}

/** Bytes of the parts the bucket has acknowledged. */
export function acknowledgedBytes(record: StoredUpload, size: number): number {
  if (!record.partSize) return 0;
  return record.parts.reduce((sum, part) => {
    const [start, end] = partRange(part.PartNumber, size, record.partSize ?? 0);
    return sum + end - start;
  }, 0);
}

/** A part's URL signed ahead, while something else goes on; a failure leaves it to be signed when needed. */
const signAhead = (key: string, uploadId: string, n: number) =>
  api.signPart(key, uploadId, n).then(
    ({ url }) => url,
    () => undefined,
  );

/**
 * Strips the file (unless its metadata is kept), creates its multipart upload or, for one created
 * before, asks the bucket which parts it holds, and signs the first part still missing. Every step
 * is saved, so a resumed upload sends only what did not arrive; a part that arrived is never sent again.
 */
export async function prepareFile(sending: Sending, signal: AbortSignal): Promise<Plan> {
  if (!sending.record().prepared) {
    sending.report("preparing", 0);
    const original = sending.bytes();
    const { blob, facts } = sending.record().options.keep_metadata ? { blob: original, facts: {} } : await stripOffThread(original);
    if (signal.aborted) throw signal.reason;
    sending.update({ prepared: true, facts }, blob);
  }
  if (sending.record().location) return { missing: [] };
  const completedAlready = await reachBucket(sending, signal);
  const { key = "", uploadId = "", partSize = 0, parts } = sending.record();
  if (completedAlready) return { missing: [] };
  const have = new Set(parts.map((part) => part.PartNumber));
  const missing = Array.from({ length: partCount(sending.bytes().size, partSize) }, (_, i) => i + 1).filter((n) => !have.has(n));
  return { missing, firstUrl: missing.length > 0 ? signAhead(key, uploadId, missing[0]) : undefined };
}

/**
 * A new multipart upload, or, for one already created, the parts the bucket already holds.
 * Answers true when the upload was completed already (its answer lost): completing it again
 * answers where it is.
 */
async function reachBucket(sending: Sending, signal: AbortSignal): Promise<boolean> {
  const { key, uploadId, parts } = sending.record();
  if (key && uploadId) {
    const listed = await retrying(() => api.listUploadedParts(key, uploadId), signal).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 409 && parts.length > 0) return "completed" as const;
      // Gone (abandoned uploads are aborted after a day): the file starts over.
      if (error instanceof ApiError && error.status === 404) return "gone" as const;
      throw error;
    });
    if (listed === "completed") return true;
    if (listed !== "gone") {
      sending.update({ parts: listed.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) });
      return false;
    }
  }
  const record = sending.record();
  const size = sending.bytes().size;
  const created = await retrying(
    () =>
      api.createUpload({
        filename: record.name,
        type: record.type,
        metadata: { ...record.facts, size, keep_metadata: record.options.keep_metadata, no_ai: record.options.no_ai },
      }),
    signal,
  );
  sending.update({ key: created.key, uploadId: created.uploadId, partSize: partSizeFor(size), parts: [] });
  if (signal.aborted) throw signal.reason;
  return false;
}

/**
 * Sends the missing parts one after the other, each next part's URL signed while the part before
 * it goes: a file has one part on the wire at a time, so a cut connection loses at most one
 * part's bytes (the queue sends several files at once to fill the link).
 */
export async function sendParts(sending: Sending, plan: Plan, signal: AbortSignal) {
  const { key = "", uploadId = "", partSize = 0 } = sending.record();
  const bytes = sending.bytes();
  let acknowledged = acknowledgedBytes(sending.record(), bytes.size);
  const report = (inFlight: number) => sending.report("uploading", acknowledged + inFlight);
  report(0);
  let signed = plan.firstUrl;
  for (const [i, n] of plan.missing.entries()) {
    const [start, end] = partRange(n, bytes.size, partSize);
    let ahead = signed;
    signed = undefined;
    const etag = await retrying(
      async () => {
        const url = (await ahead) ?? (await api.signPart(key, uploadId, n)).url;
        // A retry signs again: the URL signed ahead may be what failed (expired during a long wait).
        ahead = undefined;
        const next = plan.missing[i + 1];
        if (next !== undefined) signed ??= signAhead(key, uploadId, next);
        return putPart(url, bytes.slice(start, end), report, signal);
      },
      signal,
      () => report(0),
    );
    acknowledged += end - start;
    sending.update({ parts: [...sending.record().parts, { PartNumber: n, ETag: etag }] });
    report(0);
  }
}

/**
 * Completes the upload once every part arrived, without waiting for the file's bytes to be stored:
 * once completed, they are never needed again (a reload before the answer is stored lists the
 * parts, is told the upload is complete, and completes it again, which answers the same).
 */
export async function completeFile(sending: Sending, signal: AbortSignal) {
  if (sending.record().location) return;
  const { key = "", uploadId = "", parts } = sending.record();
  sending.report("processing", sending.bytes().size);
  const sorted = [...parts].sort((a, b) => a.PartNumber - b.PartNumber);
  const done = await retrying(() => api.completeUpload(key, uploadId, sorted), signal);
  sending.update({ location: done.location });
  await sending.kept();
}

export type Outcome = { status: "done"; imageId: string; duplicate: boolean } | { status: "failed"; code: string } | { status: "aborted" };

/** Status requests under way at once, for the whole batch: many files finishing together must not crowd out the requests that start the next ones. */
const followersAtOnce = 2;
let following = 0;
const turns: (() => void)[] = [];

async function inTurn<T>(ask: () => Promise<T>): Promise<T> {
  if (following >= followersAtOnce) await new Promise<void>((resolve) => turns.push(resolve));
  following++;
  try {
    return await ask();
  } finally {
    following--;
    turns.shift()?.();
  }
}

/** Follows a completed upload (GET /uploads/:id, from 1 s and backing off to 5 s) until it became an image or was refused. */
export async function followUpload(location: string, signal: AbortSignal): Promise<Outcome> {
  const id = location.split("/").pop() ?? "";
  for (let delay = 1000; ; delay = Math.min(delay * 1.5, 5000)) {
    // Processing takes a second or so: the first look waits that long.
    await pause(delay, signal);
    const upload = await inTurn(() => api.getUploadStatus(id)).catch((error: unknown) => {
      if (isTransient(error)) return undefined;
      throw error;
    });
    if (upload?.status === "done" && upload.image_id) return { status: "done", imageId: upload.image_id, duplicate: upload.duplicate };
    if (upload?.status === "failed") return { status: "failed", code: upload.error ?? "failed" };
    if (upload?.status === "aborted") return { status: "aborted" };
  }
}
