import { ApiError, getImage } from "./api";
import { abortUpload } from "./api-uploads";
import { formatBytes } from "./format";
import { closePanel, isFinished, type Item, items, type Upload } from "./upload-items";
import { followUpload, type Outcome } from "./upload-send";
import { dropUpload } from "./upload-store";
import { currentUploads as uploads, maxUploadBytes, setRecent } from "./uploads";

/** How a file's journey ends: failed on the way, refused or made into an image, or cancelled. */

/** Once the whole batch is in, a panel with nothing failed closes by itself after this long. */
const closeAfterMs = 10_000;

/** The upload's failure, as the one who chose the file reads it; the server's message when it sent one. */
const refusals: Record<string, string> = {
  unsupported_type: "Not a supported image: use JPEG, PNG, WebP, GIF, AVIF or HEIC",
  truncated_file: "The file is cut off before its end",
  corrupt_file: "The file is corrupt: its structure does not add up",
  metadata_unreadable: "Its metadata could not be removed, so it was not kept",
  file_too_large: `Too large; the limit is ${formatBytes(maxUploadBytes)}`,
};

export async function fail(item: Item, error: unknown) {
  const retry = !(error instanceof ApiError) || error.status >= 500;
  const reason = error instanceof ApiError ? error.message : `The upload kept failing (${error instanceof Error ? error.message : "unknown error"}); retry`;
  item.report({ state: "failed", sent: 0, message: reason });
  // A refusal is final; what failed on the way stays stored, for Retry or the next visit.
  if (!retry) await settle(item);
}

/** Follows a completed upload until its image is made (shown on top of the gallery) or refused. */
export async function follow(item: Item, location: string) {
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
  item.controller?.abort("cancelled");
  item.report({ state: "cancelled", sent: 0, message: "Cancelled" });
  const record = item.record;
  if (record?.key && record.uploadId) void abortUpload(record.key, record.uploadId).catch(() => undefined);
  void settle(item);
}

export function cancelAll() {
  for (const upload of uploads()) cancelUpload(upload);
}
