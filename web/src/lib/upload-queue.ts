import { createEffect, createRoot, createSignal, on } from "solid-js";
import type { UploadOptions } from "./api";
import { abortUpload } from "./api-uploads";
import { currentUser, sessionEnd } from "./session";
import { getSettings } from "./settings";
import { fail, follow } from "./upload-outcomes";
import { abandon, keep, keptWhole } from "./upload-saving";
import { connection, connections, exclusively } from "./upload-slots";
import { acknowledgedBytes, completeFile, prepareFile, type Sending, sendParts } from "./upload-send";
import { dropUploadsOf, readBytes, readUpload, storedUploads, type StoredUpload } from "./upload-store";
import { isActive, type Item, items, forget, rejection, show, track, typeOf, type Upload } from "./upload-items";

/**
 * The upload queue: files go straight to the bucket in parts (upload-send.ts), each kept in
 * IndexedDB until it is done so a reload resumes it. The link is kept busy as raw PUTs would
 * keep it: `connections` files send a part each at once, while the next files are stripped,
 * created and signed beforehand, and a file completes after giving its connection to the next.
 * Going offline or Pause stops every transfer (a part in flight is sent again from its start);
 * a pause outlasts a reload. Cancel aborts the upload. It loads with the first file chosen, or
 * when a stored batch is found (uploads.ts).
 */

/** Files prepared beyond those sending, ready for the next free connection. */
const readyAhead = 3;
const stopped = { paused: "paused", offline: "offline", signedOut: "signed out" } as const;

/** Files between the start of their preparation and the end of their last part. */
let underWay = 0;

const pausedKey = (userId: string) => `uploads-paused:${userId}`;
const storedPause = (userId: string | undefined) => {
  try {
    return userId !== undefined && localStorage.getItem(pausedKey(userId)) === "1";
  } catch {
    return false;
  }
};
const [paused, setPaused] = createSignal(storedPause(currentUser()?.id));
const [online, setOnline] = createSignal(navigator.onLine);
export const isPaused = paused;
export const isOnline = online;

function rememberPause(value: boolean) {
  setPaused(value);
  const user = currentUser();
  try {
    if (user && value) localStorage.setItem(pausedKey(user.id), "1");
    else if (user) localStorage.removeItem(pausedKey(user.id));
  } catch {
    // Storage refused (a private window): the pause holds for this tab only.
  }
}

/** Files chosen or dropped: refused at once when they cannot be sent, else queued at once and stored meanwhile. */
export async function addFiles(files: File[], options: UploadOptions) {
  const user = currentUser();
  if (!user) return;
  // Stripping happens here, in the browser, so the choice must be known now: the account's, when not made.
  const keepMetadata = options.keep_metadata ?? (await getSettings().then((settings) => settings.keep_metadata, () => false));
  // A new batch after one that ended paused (everything cancelled) starts at once.
  if (!items.some((item) => isActive(item.upload))) rememberPause(false);
  const added = files.map((file, i) => {
    const problem = rejection(file);
    if (problem) return track(undefined, file.name, file, { state: "failed", sent: 0, message: problem }, false);
    const record: StoredUpload = {
      id: crypto.randomUUID(),
      userId: user.id,
      addedAt: Date.now() + i,
      name: file.name,
      type: typeOf(file),
      prepared: false,
      options: { keep_metadata: keepMetadata, no_ai: options.no_ai },
      parts: [],
    };
    return track(record, file.name, file, { state: "waiting", sent: 0 }, false);
  });
  show(added);
  pump();
  for (const item of added) void keep(item);
}

/** What a closed tab or a reload left in IndexedDB: each file carries on from what the bucket has. */
export async function resumeStored() {
  const user = currentUser();
  if (!user) return;
  setPaused(storedPause(user.id));
  const all = await storedUploads(user.id).catch(() => []);
  // Read after the wait: a second call made meanwhile (the session's user set again) has shown its files by now.
  const known = new Set(items.map((item) => item.upload.key));
  const stored = all.filter(({ record }) => !known.has(record.id));
  const resumed = stored.map(({ record, bytes }) =>
    track(record, record.name, bytes, { state: record.location ? "processing" : "waiting", sent: record.location ? bytes.size : acknowledgedBytes(record, bytes.size) }, true),
  );
  show(resumed);
  for (const item of resumed) if (item.record?.location) void follow(item, item.record.location);
  pump();
}

function pump() {
  while (!paused() && online() && underWay < connections + readyAhead) {
    const item = items.find((i) => i.upload.progress().state === "waiting" && !i.controller);
    if (!item) return;
    void run(item);
  }
}

/**
 * Another tab may have sent, completed or prepared the file meanwhile: what it stored wins over
 * what this tab holds. What this tab wrote itself may be behind it (IndexedDB keeps only what
 * matches the stored bytes, upload-saving.ts), and is not taken back.
 */
async function reread(item: Item) {
  if (!item.stored) return;
  const latest = await readUpload(item.upload.key);
  const ours = item.record;
  if (!latest) {
    item.record = undefined;
    return;
  }
  const ahead = latest.location !== undefined || (latest.uploadId !== undefined && latest.uploadId !== ours?.uploadId) || (latest.prepared && !ours?.prepared);
  if (!ahead) return;
  if (latest.prepared) {
    const bytes = await readBytes(item.upload.key);
    if (!bytes) {
      item.record = undefined;
      return;
    }
    item.bytes = bytes;
    item.savedBytes = bytes;
    item.setSize(bytes.size);
  }
  item.record = latest;
}

async function run(item: Item) {
  underWay++;
  let underWayEnded = false;
  const endUnderWay = () => {
    if (underWayEnded) return;
    underWayEnded = true;
    underWay--;
    pump();
  };
  const controller = new AbortController();
  item.controller = controller;
  item.report({ ...item.upload.progress(), state: "preparing" });
  try {
    const mine = await exclusively(item.upload.key, async () => {
      await reread(item);
      if (!item.record) return;
      const sending = sendingOf(item);
      const plan = await prepareFile(sending, controller.signal);
      if (plan.missing.length > 0) {
        const giveBack = await connection(controller.signal);
        try {
          await sendParts(sending, plan, controller.signal);
        } finally {
          giveBack();
        }
      }
      endUnderWay();
      await completeFile(sending, controller.signal);
    });
    if (!mine || !item.record) return forget(item);
    if (item.record.location) void follow(item, item.record.location);
  } catch (error) {
    if (!controller.signal.aborted) return fail(item, error);
    if (controller.signal.reason === stopped.paused || controller.signal.reason === stopped.offline) {
      item.report({ state: "waiting", sent: item.record ? acknowledgedBytes(item.record, item.bytes.size) : 0 });
    }
  } finally {
    if (item.controller === controller) item.controller = undefined;
    endUnderWay();
  }
}

function sendingOf(item: Item): Sending {
  return {
    record: () => item.record as StoredUpload,
    bytes: () => item.bytes,
    update: (patch, bytes) => {
      // Cancelled while the upload was being created: nothing else knows of it to abort it.
      if (!item.record) return void (patch.key && patch.uploadId && abortUpload(patch.key, patch.uploadId).catch(() => undefined));
      item.record = { ...item.record, ...patch };
      if (bytes) {
        item.bytes = bytes;
        item.setSize(bytes.size);
      }
      void keep(item);
    },
    kept: () => keptWhole(item),
    report: (state, sent) => item.report({ state, sent }),
  };
}

export function retryUpload(upload: Upload) {
  const item = items.find((i) => i.upload === upload);
  if (!item?.record || upload.progress().state !== "failed") return;
  item.report({ state: "waiting", sent: acknowledgedBytes(item.record, item.bytes.size) });
  pump();
}

function stopAll(reason: string) {
  for (const item of items) if (item.controller && item.upload.progress().state !== "processing") item.controller.abort(reason);
}

export function pauseUploads() {
  rememberPause(true);
  stopAll(stopped.paused);
}

export function resumeUploads() {
  rememberPause(false);
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
      for (const item of [...items]) {
        abandon(item);
        forget(item);
      }
      setPaused(storedPause(user?.id));
      if (sessionEnd() === "signed_out") void dropUploadsOf(before.id).catch(() => undefined);
    }),
  ),
);
