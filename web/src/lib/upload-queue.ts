import { type Accessor, createSignal } from "solid-js";
import { ApiError, client, type ErrorBody, refreshSession, type UploadOptions } from "./api";
import type { ImageView, UploadBody } from "./api-shapes";
import { formatBytes } from "./format";
import { bearerToken, endSession, tokenExpiresSoon } from "./session";
import { acceptedTypes, currentUploads as uploads, maxUploadBytes, setRecent, setUploads } from "./uploads";

/**
 * The upload queue: two files at a time, each with its own progress, cancel and outcome. It loads
 * with the first file chosen or dropped (uploads.ts holds what the gallery shows before that).
 */

// Some systems give HEIC files no MIME type; their extension is the only hint.
const acceptedExtensions = /\.(jpe?g|png|webp|gif|avif|hei[cf])$/i;
const parallelUploads = 2;
/** A finished upload leaves the list by itself after this long; a failed one stays until dismissed. */
const clearDoneAfterMs = 10_000;

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

const jobs: Job[] = [];
let running = 0;
let nextKey = 1;

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

/**
 * One file per request through XMLHttpRequest, the only browser API that reports upload
 * progress. A token about to expire is refreshed first, so a large file is not sent twice;
 * a 401 still gets one refresh and retry, like every other call.
 */
async function uploadImage(file: File, options: UploadOptions, onProgress: (fraction: number) => void, signal: AbortSignal) {
  if (tokenExpiresSoon()) await refreshSession();
  let result = await sendUpload(file, options, onProgress, signal);
  if (result.status === 401) {
    if (await refreshSession()) result = await sendUpload(file, options, onProgress, signal);
    if (result.status === 401) endSession("expired");
  }
  if (result.error) throw result.error;
  return result.body;
}

type UploadResult = { status: number; body: UploadBody; error?: undefined } | { status: number; body?: undefined; error: ApiError };

function sendUpload(file: File, options: UploadOptions, onProgress: (fraction: number) => void, signal: AbortSignal) {
  return new Promise<UploadResult>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", client.images.upload.$path());
    xhr.responseType = "json";
    const token = bearerToken();
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.response) {
        const body: UploadBody = xhr.response;
        return resolve({ status: xhr.status, body });
      }
      const body: ErrorBody | null = xhr.response;
      const message = body?.message ?? `Upload failed (${xhr.status})`;
      resolve({ status: xhr.status, error: new ApiError(xhr.status, body?.code ?? "error", message, body?.field) });
    };
    xhr.onerror = () => reject(new ApiError(0, "network_error", "The connection failed; check your network and try again"));
    xhr.onabort = () => reject(signal.reason);
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append("image", file);
    for (const [name, value] of Object.entries(options)) if (value !== undefined) form.append(name, String(value));
    xhr.send(form);
  });
}
