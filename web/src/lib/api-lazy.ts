import type { AlbumPatch, ShareInput } from "./api-shapes";
import { attachmentName, client } from "./api";

/**
 * The rest of api.ts: calls made only from lazily loaded pages (albums, the ZIP export), in
 * their own chunk so the SPA's first load stays within its 30 KiB budget.
 */

/**
 * The ZIP export (export.json and every original) read as it streams, so the page can show
 * progress: bytes received, of Content-Length when sent, else of roughly X-Export-Image-Bytes.
 */
export async function downloadExportZip(onProgress: (received: number, total?: number, approximate?: boolean) => void, signal: AbortSignal) {
  const res = await client.auth.me.export.$get({ query: { format: "zip" } }, { init: { signal } });
  const name = attachmentName(res, "image-service-export.zip");
  const exact = Number(res.headers.get("content-length")) || undefined;
  const approximate = Number(res.headers.get("x-export-image-bytes")) || undefined;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  const reader = res.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onProgress(received, exact ?? approximate, exact === undefined && approximate !== undefined);
  }
  return { name, blob: new Blob(chunks, { type: "application/zip" }) };
}

const album = (id: string) => ({ id: encodeURIComponent(id) });

export const listAlbums = async () => (await client.albums.$get({ query: { limit: "100" } })).json();

export const getAlbum = async (id: string) => (await client.albums[":id"].$get({ param: album(id) })).json();

export const createAlbum = async (name: string) => (await client.albums.$post({ json: { name } })).json();

export const updateAlbum = async (id: string, patch: AlbumPatch) => (await client.albums[":id"].$patch({ param: album(id), json: patch })).json();

export async function deleteAlbum(id: string) {
  await client.albums[":id"].$delete({ param: album(id) });
}

export const listAlbumImages = async (id: string, cursor: string) =>
  (await client.albums[":id"].images.$get({ param: album(id), query: { limit: "60", cursor: cursor || undefined } })).json();

export const removeFromAlbum = async (id: string, imageIds: string[]) =>
  (await client.albums[":id"].images.$delete({ param: album(id), json: { ids: imageIds } })).json();

export const listAlbumShares = async (albumId: string) => (await client.albums[":id"].shares.$get({ param: album(albumId) })).json();

export const createAlbumShare = async (albumId: string, input: ShareInput) =>
  (await client.albums[":id"].shares.$post({ param: album(albumId), json: input })).json();

export async function revokeAlbumShare(albumId: string, shareId: string) {
  await client.albums[":id"].shares[":shareId"].$delete({ param: { ...album(albumId), shareId: encodeURIComponent(shareId) } });
}

/** The trash, most recently deleted first, with when each goes for good. */
export const listTrash = async (cursor: string) => (await client.trash.$get({ query: { limit: "60", cursor: cursor || undefined } })).json();

/** Back from the trash; each image succeeds or fails on its own (read `summary.failed`). */
export const restoreFromTrash = async (ids: string[]) => (await client.trash.restore.$post({ json: { ids } })).json();

export async function deleteForever(id: string) {
  await client.trash[":id"].$delete({ param: { id: encodeURIComponent(id) } });
}

export const emptyTrash = async () => (await client.trash.$delete()).json();
