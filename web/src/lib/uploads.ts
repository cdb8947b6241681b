import { createSignal } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { ApiError, uploadImage } from "./api";
import type { ImageView } from "./api-types";
import { formatBytes } from "./format";

/** The server's limits (MAX_UPLOAD_BYTES and the sniffed types); it checks again, by content. */
export const maxUploadBytes = 10 * 1024 * 1024;
export const acceptedTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif", "image/heic", "image/heif"];
// Some systems give HEIC files no MIME type; their extension is the only hint.
const acceptedExtensions = /\.(jpe?g|png|webp|gif|avif|hei[cf])$/i;
const parallelUploads = 2;

export type UploadState = "waiting" | "uploading" | "processing" | "done" | "failed" | "cancelled";

export interface Upload {
  key: number;
  name: string;
  size: number;
  previewUrl?: string;
  progress: number;
  state: UploadState;
  message?: string;
  image?: ImageView;
}

const [uploads, setUploads] = createStore<Upload[]>([]);
/** Images uploaded during this visit, newest first: the gallery shows them on top. */
const [recent, setRecent] = createSignal<ImageView[]>([]);
const files = new Map<number, { file: File; controller: AbortController }>();
let nextKey = 1;

export const currentUploads = uploads;
export const recentUploads = recent;

function rejection(file: File): string | undefined {
  const typeOk = file.type ? acceptedTypes.includes(file.type) : acceptedExtensions.test(file.name);
  if (!typeOk) return "Not a supported image: use JPEG, PNG, WebP, GIF, AVIF or HEIC";
  if (file.size === 0) return "The file is empty";
  if (file.size > maxUploadBytes) return `Too large (${formatBytes(file.size)}); the limit is ${formatBytes(maxUploadBytes)}`;
  return undefined;
}

export function addFiles(list: Iterable<File>) {
  const added: Upload[] = [];
  for (const file of list) {
    const key = nextKey++;
    const problem = rejection(file);
    if (!problem) files.set(key, { file, controller: new AbortController() });
    added.push({
      key,
      name: file.name,
      size: file.size,
      previewUrl: problem ? undefined : URL.createObjectURL(file),
      progress: 0,
      state: problem ? "failed" : "waiting",
      message: problem,
    });
  }
  setUploads((current) => [...added, ...current]);
  startWaiting();
}

const update = (key: number, change: Partial<Upload>) => setUploads((u) => u.key === key, change);

function startWaiting() {
  const active = uploads.filter((u) => u.state === "uploading" || u.state === "processing").length;
  const waiting = uploads.filter((u) => u.state === "waiting").reverse();
  for (const upload of waiting.slice(0, Math.max(0, parallelUploads - active))) void send(upload.key);
}

async function send(key: number) {
  const entry = files.get(key);
  if (!entry) return;
  update(key, { state: "uploading" });
  try {
    const body = await uploadImage(
      entry.file,
      (fraction) => update(key, { progress: fraction, state: fraction < 1 ? "uploading" : "processing" }),
      entry.controller.signal,
    );
    update(key, { state: "done", progress: 1, image: body.image, message: body.duplicate ? "Already in your gallery" : undefined });
    setRecent((images) => [body.image, ...images.filter((i) => i.id !== body.image.id)]);
  } catch (error) {
    if (entry.controller.signal.aborted) update(key, { state: "cancelled", message: "Cancelled" });
    else update(key, { state: "failed", message: error instanceof ApiError ? error.message : "Upload failed" });
  } finally {
    files.delete(key);
    startWaiting();
  }
}

export function cancelUpload(key: number) {
  const entry = files.get(key);
  if (!entry) return;
  entry.controller.abort(new DOMException("Cancelled", "AbortError"));
  // A waiting upload has no request to abort yet.
  if (uploads.find((u) => u.key === key)?.state === "waiting") {
    files.delete(key);
    update(key, { state: "cancelled", message: "Cancelled" });
  }
}

export function dismissUpload(key: number) {
  setUploads(
    produce((list) => {
      const index = list.findIndex((u) => u.key === key);
      if (index < 0) return;
      if (list[index].previewUrl) URL.revokeObjectURL(list[index].previewUrl!);
      list.splice(index, 1);
    }),
  );
}

export function forgetUpload(imageId: string) {
  setRecent((images) => images.filter((i) => i.id !== imageId));
}
