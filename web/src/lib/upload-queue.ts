import { createEffect, createRoot, createSignal, on } from "solid-js";
import { ApiError, getImage, type UploadOptions } from "./api";
import { abortUpload } from "./api-uploads";
import { formatBytes } from "./format";
import { currentUser, sessionEnd } from "./session";
import { getSettings } from "./settings";
import { acknowledgedBytes, followUpload, type Outcome, sendFile } from "./upload-send";
import { dropUpload, dropUploadsOf, readUpload, saveUpload, storedUploads, type StoredUpload } from "./upload-store";
import { closePanel, isFinished, type Item, items, forget, rejection, show, track, typeOf, type Upload } from "./upload-items";
import { currentUploads as uploads, maxUploadBytes, setRecent } from "./uploads";

/**
 * The upload queue: files go straight to the bucket in parts (upload-send.ts), three files at a
 * time, each kept in IndexedDB until it is done so a reload resumes it. Going offline or Pause
 * stops every transfer (a part in flight is sent again from its start); Cancel aborts the upload.
 * It loads with the first file chosen, or when a stored batch is found (uploads.ts).
 */

const filesAtOnce = 3;
/** Once the whole batch is in, a panel with nothing failed closes by itself after this long. */
const closeAfterMs = 10_000;
const stopped = { paused: "paused", offline: "offline", cancelled: "cancelled", signedOut: "signed out" } as const;

let running = 0;
const [paused, setPaused] = createSignal(false);
const [online, setOnline] = createSignal(navigator.onLine);
export const isPaused = paused;
export const isOnline = online;

/** Files chosen or dropped: refused at once when they cannot be sent, else stored and queued. */
export async function addFiles(files: File[], options: UploadOptions) {
  const user = currentUser();
  if (!user) return;
  // Stripping happens here, in the browser, so the choice must be known now: the account's, when not made.
  const keep = options.keep_metadata ?? (await getSettings().then((settings) => settings.keep_metadata, () => false));
  const added = files.map((file, i) => {
    const problem = rejection(file);
    if (problem) return track(undefined, file, { state: "failed", sent: 0, message: problem }, false);
    const record: StoredUpload = {
      id: crypto.randomUUID(),
      userId: user.id,
      addedAt: Date.now() + i,
      name: file.name,
      type: typeOf(file),
      blob: file,
      prepared: false,
      options: { keep_metadata: keep, no_ai: options.no_ai },
      parts: [],
    };
    return track(record, file, { state: "waiting", sent: 0 }, true);
  });
  show(added);
  await Promise.all(
    added.map(async (item) => {
      if (item.record) item.stored = await saveUpload(item.record).then(() => true, () => false);
    }),
  );
  pump();
}

/** What a closed tab or a reload left in IndexedDB: each file carries on from what the bucket has. */
export async function resumeStored() {
  const user = currentUser();
  if (!user) return;
  const known = new Set(items.map((item) => item.upload.key));
  const records = (await storedUploads(user.id).catch(() => [])).filter((record) => !known.has(record.id));
  const resumed = records.map((record) =>
    track(record, { name: record.name, size: record.blob.size }, { state: record.location ? "processing" : "waiting", sent: record.location ? record.blob.size : acknowledgedBytes(record) }, true),
  );
  show(resumed);
  for (const item of resumed) if (item.record?.location) void follow(item, item.record.location);
  pump();
}

function pump() {
  while (!paused() && online() && running < filesAtOnce) {
    const item = items.find((i) => i.upload.progress().state === "waiting");
    if (!item) return;
    void run(item);
  }
}

/** One tab at a time sends a file: a second tab open on the same batch leaves to the first what it holds. */
async function exclusively(id: string, work: () => Promise<void>): Promise<boolean> {
  if (!("locks" in navigator)) return work().then(() => true);
  return await navigator.locks.request(`upload:${id}`, { ifAvailable: true }, async (lock) => {
    if (!lock) return false;
    await work();
    return true;
  });
}

async function run(item: Item) {
  running++;
  const controller = new AbortController();
  item.controller = controller;
  item.report({ ...item.upload.progress(), state: "preparing" });
  try {
    const mine = await exclusively(item.upload.key, async () => {
      // Another tab may have sent it meanwhile: the stored record is the truth.
      if (item.stored) item.record = (await readUpload(item.upload.key)) ?? undefined;
      if (item.record) await sendFile(sending(item), controller.signal);
    });
    if (!mine || !item.record) return forget(item);
    if (item.record.location) void follow(item, item.record.location);
  } catch (error) {
    if (!controller.signal.aborted) return fail(item, error);
    if (controller.signal.reason === stopped.paused || controller.signal.reason === stopped.offline) {
      item.report({ state: "waiting", sent: item.record ? acknowledgedBytes(item.record) : 0 });
    }
  } finally {
    if (item.controller === controller) item.controller = undefined;
    running--;
    pump();
  }
}

function sending(item: Item) {
  return {
    record: () => item.record as StoredUpload,
    update: async (patch: Partial<StoredUpload>) => {
      // Cancelled while the upload was being created: nothing else knows of it to abort it.
      if (!item.record) return void (patch.key && patch.uploadId && abortUpload(patch.key, patch.uploadId).catch(() => undefined));
      item.record = { ...item.record, ...patch };
      item.setSize(item.record.blob.size);
      if (item.stored) await saveUpload(item.record).catch(() => undefined);
    },
    report: (state: "preparing" | "uploading" | "processing", sent: number) => item.report({ state, sent }),
  };
}

/** The upload's failure, as the one who chose the file reads it; the server's message when it sent one. */
const refusals: Record<string, string> = {
  unsupported_type: "Not a supported image: use JPEG, PNG, WebP, GIF, AVIF or HEIC",
  truncated_file: "The file is cut off before its end",
  corrupt_file: "The file is corrupt: its structure does not add up",
  metadata_unreadable: "Its metadata could not be removed, so it was not kept",
  file_too_large: `Too large; the limit is ${formatBytes(maxUploadBytes)}`,
};

async function fail(item: Item, error: unknown) {
  const retry = !(error instanceof ApiError) || error.status >= 500;
  const reason = error instanceof ApiError ? error.message : `The upload kept failing (${error instanceof Error ? error.message : "unknown error"}); retry`;
  item.report({ state: "failed", sent: 0, message: reason });
  // A refusal is final; what failed on the way stays stored, for Retry or the next visit.
  if (!retry) await settle(item);
}

async function follow(item: Item, location: string) {
  const controller = new AbortController();
  item.controller = controller;
  const outcome: Outcome | undefined = await followUpload(location, controller.signal).catch(() => undefined);
  if (!outcome) return;
  if (outcome.status === "done") {
    const image = await getImage(outcome.imageId).catch(() => undefined);
    if (image) setRecent((images) => [image, ...images.filter((i) => i.id !== image.id)]);
    item.report({ state: "done", sent: item.upload.size(), image, message: outcome.duplicate ? "Already in your gallery" : undefined });
  } else if (outcome.status === "failed") {
    item.report({ state: "failed", sent: 0, message: refusals[outcome.code] ?? "The image could not be processed; upload it again" });
  } else {
    item.report({ state: "cancelled", sent: 0, message: "Cancelled" });
  }
  await settle(item);
}

/** The file's journey is over: its record goes, and the panel closes by itself once the batch is all in. */
async function settle(item: Item) {
  const record = item.record;
  item.record = undefined;
  item.report(item.upload.progress());
  if (record) await dropUpload(record.id).catch(() => undefined);
  const all = uploads();
  if (all.every(isFinished) && all.every((u) => u.progress().state !== "failed")) {
    setTimeout(() => uploads() === all && closePanel(), closeAfterMs);
  }
}

export function cancelUpload(upload: Upload) {
  const item = items.find((i) => i.upload === upload);
  if (!item || !["waiting", "preparing", "uploading"].includes(upload.progress().state)) return;
  item.controller?.abort(stopped.cancelled);
  item.report({ state: "cancelled", sent: 0, message: "Cancelled" });
  const record = item.record;
  if (record?.key && record.uploadId) void abortUpload(record.key, record.uploadId).catch(() => undefined);
  void settle(item);
}

export function cancelAll() {
  for (const upload of uploads()) cancelUpload(upload);
}

export function retryUpload(upload: Upload) {
  const item = items.find((i) => i.upload === upload);
  if (!item?.record || upload.progress().state !== "failed") return;
  item.report({ state: "waiting", sent: acknowledgedBytes(item.record) });
  pump();
}

function stopAll(reason: string) {
  for (const item of items) if (item.controller && item.upload.progress().state !== "processing") item.controller.abort(reason);
}

export function pauseUploads() {
  setPaused(true);
  stopAll(stopped.paused);
}

export function resumeUploads() {
  setPaused(false);
  pump();
}

window.addEventListener("offline", () => {
  setOnline(false);
  stopAll(stopped.offline);
});
window.addEventListener("online", () => {
  setOnline(true);
  pump();
});

// Signing out stops everything; signing out on purpose (or deleting the account) also clears what was stored.
createRoot(() =>
  createEffect(
    on(currentUser, (user, before) => {
      if (!before || user?.id === before.id) return;
      for (const item of items) item.controller?.abort(stopped.signedOut);
      for (const item of [...items]) forget(item);
      if (sessionEnd() === "signed_out") void dropUploadsOf(before.id).catch(() => undefined);
    }),
  ),
);
