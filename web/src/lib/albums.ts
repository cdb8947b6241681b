import { action, query, redirect } from "@solidjs/router";
import * as api from "./api-lazy";

export const getAlbums = query(async () => (await api.listAlbums()).albums, "albums");

export const getAlbum = query((id: string) => api.getAlbum(id), "album");

export const getAlbumImages = query((id: string, cursor: string) => api.listAlbumImages(id, cursor), "albumImages");

export const createAlbum = action(async (form: FormData) => {
  const album = await api.createAlbum(String(form.get("name") ?? ""));
  throw redirect(`/a/${album.id}`, { revalidate: getAlbums.key });
}, "createAlbum");

/** Every active query revalidates after these (the router's default): the list, the album and its images agree. */
export const renameAlbum = action((id: string, name: string) => api.updateAlbum(id, { name }), "renameAlbum");

export const chooseCover = action((id: string, imageId: string | null) => api.updateAlbum(id, { cover_image_id: imageId }), "chooseCover");

export const removeFromAlbum = action((id: string, imageId: string) => api.removeFromAlbum(id, [imageId]), "removeFromAlbum");

export const deleteAlbum = action(async (id: string) => {
  await api.deleteAlbum(id);
  throw redirect("/a", { revalidate: getAlbums.key });
}, "deleteAlbum");
