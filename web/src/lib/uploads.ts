import { createSignal } from "solid-js";
import type { ImageView } from "./api-shapes";
import type { Upload } from "./upload-items";

/**
 * What the app needs of uploads on its first load: the limits, the list of uploads and this
 * visit's images. The queue that sends them (upload-queue.ts) loads with the first file chosen,
 * or when a batch left by a reload or a closed tab is found here.
 */

/** The server's limits (MAX_DIRECT_UPLOAD_BYTES and the sniffed types); it checks again, by content. */
export const maxUploadBytes = 100 * 1024 * 1024;
export const acceptedTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif", "image/heic", "image/heif"];
/** The one file input (in the gallery); other labels may open it too. */
export const uploadInputId = "upload-input";

const [uploads, setUploads] = createSignal<Upload[]>([]);
/** Images uploaded during this visit, newest first: the gallery shows them on top. */
const [recent, setRecent] = createSignal<ImageView[]>([]);

export const currentUploads = uploads;
export const recentUploads = recent;
/** For upload-queue.ts only. */
export { setRecent, setUploads };

export function forgetUpload(imageId: string) {
  setRecent((images) => images.filter((i) => i.id !== imageId));
}

/**
 * Files are stored (upload-store.ts's database holds any): the queue loads and carries them on.
 * A browser that never stored any gets no database from asking (the upgrade is aborted).
 */
export function resumeUploads() {
  const request = indexedDB.open("uploads");
  request.onupgradeneeded = () => request.transaction?.abort();
  request.onsuccess = () => {
    const db = request.result;
    const count = db.objectStoreNames.length ? db.transaction("files").objectStore("files").count() : undefined;
    db.close();
    if (count) count.onsuccess = () => count.result && void import("./upload-queue").then((queue) => queue.resumeStored());
  };
}
