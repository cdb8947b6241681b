import { createSignal } from "solid-js";
import type { ImageView } from "./api-shapes";
import type { Upload } from "./upload-queue";

/**
 * What the gallery needs of uploads on its first load: the limits, the list of uploads and this
 * visit's images. The queue that sends them (upload-queue.ts) loads with the first file chosen.
 */

/** The server's limits (MAX_UPLOAD_BYTES and the sniffed types); it checks again, by content. */
export const maxUploadBytes = 10 * 1024 * 1024;
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
