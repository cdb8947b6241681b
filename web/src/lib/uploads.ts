import { createSignal, type Accessor } from "solid-js";
import { ApiError, uploadImage, type UploadOptions } from "./api";
import type { ImageView } from "./api-shapes";
import { formatBytes } from "./format";

/** The server's limits (MAX_UPLOAD_BYTES and the sniffed types); it checks again, by content. */
export const maxUploadBytes = 10 * 1024 * 1024;
export const acceptedTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif", "image/heic", "image/heif"];
// Some systems give HEIC files no MIME type; their extension is the only hint.
const acceptedExtensions = /\.(jpe?g|png|webp|gif|avif|hei[cf])$/i;
const parallelUploads = 2;
/** A finished upload leaves the list by itself after this long; a failed one stays until dismissed. */
const clearDoneAfterMs = 10_000;
/** The one file input (in the gallery); other labels may open it too. */
export const uploadInputId = "upload-input";

type UploadState = "waiting" | "uploading" | "processing" | "done" | "failed" | "cancelled";

interface Progress {
  state: UploadState;
  /** 0..1 of the bytes sent. */
  sent: number;
  message?: string;
  image?: ImageView;
}

export interface Upload {
  key: number;
  name: string;
  size: number;
  previewUrl?: string;
  progress: Accessor<Progress>;
}

interface Job {
  upload: Upload;
  file: File;
  options: UploadOptions;
  controller: AbortController;
  report: (progress: Progress) => void;
}

const [uploads, setUploads] = createSignal<Upload[]>([]);
/** Images uploaded during this visit, newest first: the gallery shows them on top. */
const [recent, setRecent] = createSignal<ImageView[]>([]);
const jobs: Job[] = [];
let running = 0;
let nextKey = 1;

export const currentUploads = uploads;
export const recentUploads = recent;
export const isActive = (progress: Progress) => ["waiting", "uploading", "processing"].includes(progress.state);

function rejection(file: File): string | undefined {
  const typeOk = file.type ? acceptedTypes.includes(file.type) : acceptedExtensions.test(file.name);
  if (!typeOk) return "Not a supported image: use JPEG, PNG, WebP, GIF, AVIF or HEIC";
  if (file.size === 0) return "The file is empty";
  if (file.size > maxUploadBytes) return `Too large (${formatBytes(file.size)}); the limit is ${formatBytes(maxUploadBytes)}`;
  return undefined;
}

export function addFiles(files: File[], options: UploadOptions) {
  const added = files.map((file) => {
    const problem = rejection(file);
    const [progress, report] = createSignal<Progress>(problem ? { state: "failed", sent: 0, message: problem } : { state: "waiting", sent: 0 });
    const upload: Upload = { key: nextKey++, name: file.name, size: file.size, previewUrl: problem ? undefined : URL.createObjectURL(file), progress };
    if (!problem) jobs.push({ upload, file, options, controller: new AbortController(), report });
    return upload;
  });
  setUploads((current) => [...added, ...current]);
  startWaiting();
}

function startWaiting() {
  while (running < parallelUploads) {
    const job = jobs.find((j) => j.upload.progress().state === "waiting");
    if (!job) return;
    void send(job);
  }
}

async function send(job: Job) {
  running++;
  job.report({ state: "uploading", sent: 0 });
  try {
    const body = await uploadImage(
      job.file,
      job.options,
      (sent) => job.report({ state: sent < 1 ? "uploading" : "processing", sent }),
      job.controller.signal,
    );
    job.report({ state: "done", sent: 1, image: body.image, message: body.duplicate ? "Already in your gallery" : undefined });
    setRecent((images) => [body.image, ...images.filter((i) => i.id !== body.image.id)]);
    setTimeout(() => dismissUpload(job.upload), clearDoneAfterMs);
  } catch (error) {
    if (job.controller.signal.aborted) job.report({ state: "cancelled", sent: 0, message: "Cancelled" });
    else job.report({ state: "failed", sent: 0, message: error instanceof ApiError ? error.message : "Upload failed" });
  } finally {
    running--;
    jobs.splice(jobs.indexOf(job), 1);
    startWaiting();
  }
}

export function cancelUpload(upload: Upload) {
  const job = jobs.find((j) => j.upload === upload);
  if (!job) return;
  job.controller.abort(new DOMException("Cancelled", "AbortError"));
  // A waiting upload has no request to abort yet.
  if (upload.progress().state === "waiting") {
    jobs.splice(jobs.indexOf(job), 1);
    job.report({ state: "cancelled", sent: 0, message: "Cancelled" });
  }
}

export function dismissUpload(upload: Upload) {
  if (upload.previewUrl) URL.revokeObjectURL(upload.previewUrl);
  setUploads((list) => list.filter((u) => u !== upload));
}

export const isFinished = (upload: Upload) => ["done", "cancelled"].includes(upload.progress().state);

/** Done and cancelled uploads leave the list; failed ones stay, with their reason. */
export function clearFinished() {
  for (const upload of uploads().filter(isFinished)) dismissUpload(upload);
}

export function forgetUpload(imageId: string) {
  setRecent((images) => images.filter((i) => i.id !== imageId));
}
