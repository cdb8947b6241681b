import { type Accessor, createSignal } from "solid-js";
import type { ImageView } from "./api-shapes";
import { formatBytes } from "./format";
import type { StoredUpload } from "./upload-store";
import { acceptedTypes, maxUploadBytes, setUploads } from "./uploads";

/** The files of the batch as this tab shows them (uploads.ts's list) and as the queue works them. */

type UploadState = "waiting" | "preparing" | "uploading" | "processing" | "done" | "failed" | "cancelled";

export interface Progress {
  state: UploadState;
  /** Bytes the bucket has, or is receiving, of the file's size. */
  sent: number;
  message?: string;
  image?: ImageView;
}

export interface Upload {
  key: string;
  name: string;
  /** What is sent: the file's size, then that of its copy without metadata. */
  size: Accessor<number>;
  previewUrl?: string;
  progress: Accessor<Progress>;
  /** The bytes are still in this browser: a failure on the way can be retried. */
  retryable: Accessor<boolean>;
}

export interface Item {
  upload: Upload;
  record?: StoredUpload;
  /** What is sent: the file as chosen, then (once the record is `prepared`) its copy without metadata. */
  bytes: Blob;
  /** A record of it is in IndexedDB, where another tab may find it (saving can fail: a full disk, a private window). */
  stored: boolean;
  /** The bytes IndexedDB holds (upload-saving.ts): until they are the final ones, the stored record says only that the file was chosen. */
  savedBytes?: Blob;
  /** Called once the final bytes are saved, or cannot be. */
  onSaved: (() => void)[];
  report: (progress: Progress) => void;
  setSize: (size: number) => void;
  controller?: AbortController;
}

/** This tab's files, in the order they were added; the panel shows their `upload`s. */
export const items: Item[] = [];

const acceptedExtensions = /\.(jpe?g|png|webp|gif|avif|hei[cf])$/i;

export const isActive = (upload: Upload) => ["waiting", "preparing", "uploading", "processing"].includes(upload.progress().state);
export const isFinished = (upload: Upload) => !isActive(upload);

// Some systems give HEIC files no MIME type; their extension is the only hint.
export const typeOf = (file: File) => file.type || `image/${/\.(\w+)$/.exec(file.name)?.[1]?.toLowerCase().replace("jpg", "jpeg") ?? ""}`;

export function rejection(file: File): string | undefined {
  const typeOk = file.type ? acceptedTypes.includes(file.type) : acceptedExtensions.test(file.name);
  if (!typeOk) return "Not a supported image: use JPEG, PNG, WebP, GIF, AVIF or HEIC";
  if (file.size === 0) return "The file is empty";
  if (file.size > maxUploadBytes) return `Too large (${formatBytes(file.size)}); the limit is ${formatBytes(maxUploadBytes)}`;
  return undefined;
}

/** A file of the batch: chosen now (nothing stored yet), or found in IndexedDB (`stored`, with the bytes it holds). */
export function track(record: StoredUpload | undefined, name: string, bytes: Blob, first: Progress, stored: boolean): Item {
  const [progress, report] = createSignal(first);
  const [size, setSize] = createSignal(bytes.size);
  const [retryable, setRetryable] = createSignal(false);
  const item: Item = {
    upload: { key: record?.id ?? crypto.randomUUID(), name, size, progress, retryable, previewUrl: record && URL.createObjectURL(bytes) },
    record,
    bytes,
    stored,
    savedBytes: stored ? bytes : undefined,
    onSaved: [],
    report: (next) => {
      setRetryable(next.state === "failed" && item.record !== undefined);
      report(next);
    },
    setSize,
  };
  return item;
}

export function show(added: Item[]) {
  items.push(...added);
  setUploads((current) => [...current, ...added.map((item) => item.upload)]);
}

export function forget(item: Item) {
  items.splice(items.indexOf(item), 1);
  if (item.upload.previewUrl) URL.revokeObjectURL(item.upload.previewUrl);
  setUploads((list) => list.filter((u) => u !== item.upload));
}

export function dismissUpload(upload: Upload) {
  const item = items.find((i) => i.upload === upload);
  if (item && isFinished(upload)) forget(item);
}

/** Clears the panel: whatever finished goes; files still on their way stay. */
export function closePanel() {
  for (const item of items.filter((i) => isFinished(i.upload))) forget(item);
}

