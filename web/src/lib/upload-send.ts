import { ApiError } from "./api";
import * as api from "./api-uploads";
import { TransientError, backoffMs, maxTries, partCount, partRange, partSizeFor, pause, putPart } from "./upload-parts";
import type { StoredUpload } from "./upload-store";
import { stripInBrowser } from "./upload-strip";

/** One file on its way: its record, a way to change it (kept in IndexedDB too), and its progress. */
export interface Sending {
  record: () => StoredUpload;
  update: (patch: Partial<StoredUpload>) => Promise<void>;
  report: (state: "preparing" | "uploading" | "processing", sent: number) => void;
}

const partsAtOnce = 2;

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
export function acknowledgedBytes(record: StoredUpload): number {
  if (!record.partSize) return 0;
  return record.parts.reduce((sum, part) => {
    const [start, end] = partRange(part.PartNumber, record.blob.size, record.partSize ?? 0);
    return sum + end - start;
  }, 0);
}

/**
 * Sends one file: strips it (unless its metadata is kept), creates its multipart upload, sends the
 * parts the bucket does not have yet and completes it. Every step is saved, so a resumed upload
 * asks the bucket what arrived and sends only the rest; a part that arrived is never sent again.
 */
export async function sendFile(sending: Sending, signal: AbortSignal): Promise<void> {
  if (!sending.record().prepared) {
    sending.report("preparing", 0);
    const { options, blob } = sending.record();
    const { blob: final, facts } = options.keep_metadata ? { blob, facts: {} } : await stripInBrowser(blob);
    if (signal.aborted) throw signal.reason;
    await sending.update({ blob: final, facts, prepared: true });
  }
  if (!sending.record().location) {
    const completedAlready = await reachBucket(sending, signal);
    if (!completedAlready) await sendMissingParts(sending, signal);
    await complete(sending, signal);
  }
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
      await sending.update({ parts: listed.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) });
      return false;
    }
  }
  const record = sending.record();
  const created = await retrying(
    () =>
      api.createUpload({
        filename: record.name,
        type: record.type,
        metadata: { ...record.facts, size: record.blob.size, keep_metadata: record.options.keep_metadata, no_ai: record.options.no_ai },
      }),
    signal,
  );
  await sending.update({ key: created.key, uploadId: created.uploadId, partSize: partSizeFor(record.blob.size), parts: [] });
  if (signal.aborted) throw signal.reason;
  return false;
}

async function sendMissingParts(sending: Sending, signal: AbortSignal) {
  const { key = "", uploadId = "", blob, partSize = partSizeFor(blob.size), parts } = sending.record();
  const have = new Set(parts.map((part) => part.PartNumber));
  const missing = Array.from({ length: partCount(blob.size, partSize) }, (_, i) => i + 1).filter((n) => !have.has(n));
  const inFlight = new Map<number, number>();
  const report = () => sending.report("uploading", acknowledgedBytes(sending.record()) + [...inFlight.values()].reduce((a, b) => a + b, 0));
  report();
  const inFlightBytes = (n: number, sent: number) => {
    if (sent > 0) inFlight.set(n, sent);
    else inFlight.delete(n);
    report();
  };
  const sendPart = async (n: number) => {
    const [start, end] = partRange(n, blob.size, partSize);
    const etag = await retrying(
      async () => {
        const { url } = await api.signPart(key, uploadId, n);
        return putPart(url, blob.slice(start, end), (sent) => inFlightBytes(n, sent), signal);
      },
      signal,
      () => inFlightBytes(n, 0),
    );
    inFlight.delete(n);
    await sending.update({ parts: [...sending.record().parts, { PartNumber: n, ETag: etag }] });
    report();
  };
  const next = () => missing.shift();
  await Promise.all(
    Array.from({ length: Math.min(partsAtOnce, missing.length) }, async () => {
      for (let n = next(); n !== undefined && !signal.aborted; n = next()) await sendPart(n);
    }),
  );
  if (signal.aborted) throw signal.reason;
}

async function complete(sending: Sending, signal: AbortSignal) {
  const { key = "", uploadId = "", blob, parts } = sending.record();
  sending.report("processing", blob.size);
  const sorted = [...parts].sort((a, b) => a.PartNumber - b.PartNumber);
  const done = await retrying(() => api.completeUpload(key, uploadId, sorted), signal);
  await sending.update({ location: done.location });
}

export type Outcome = { status: "done"; imageId: string; duplicate: boolean } | { status: "failed"; code: string } | { status: "aborted" };

/** Follows a completed upload (GET /uploads/:id, backing off from 0.5 to 5 s) until it became an image or was refused. */
export async function followUpload(location: string, signal: AbortSignal): Promise<Outcome> {
  const id = location.split("/").pop() ?? "";
  for (let delay = 500; ; delay = Math.min(delay * 1.5, 5000)) {
    const upload = await api.getUploadStatus(id).catch((error: unknown) => {
      if (isTransient(error)) return undefined;
      throw error;
    });
    if (upload?.status === "done" && upload.image_id) return { status: "done", imageId: upload.image_id, duplicate: upload.duplicate };
    if (upload?.status === "failed") return { status: "failed", code: upload.error ?? "failed" };
    if (upload?.status === "aborted") return { status: "aborted" };
    await pause(delay, signal);
  }
}
