import { action, query, revalidate } from "@solidjs/router";
import * as api from "./api";
import type { ImagePatch } from "./api-shapes";
import { fetchImages } from "./live-images";

export interface GalleryFilter {
  q: string;
  tag: string;
  /** Only starred images (the Favourites view). */
  favorite?: boolean;
}

const pageSize = 24;

/**
 * One keyset page; `from` (a month, "2024-05") starts the listing there, for a jump in the
 * timeline, and `before` (a page's prev_cursor) reads the page just newer than another.
 */
export const getImagePage = query(
  (filter: GalleryFilter, cursor: string, from = "", before = "") =>
    fetchImages(() => api.listImages({ ...filter, cursor, from, before, limit: pageSize }), (page) => page.images),
  "images",
);

export const getTimeline = query(async () => (await api.getTimeline()).months, "timeline");

export const getImage = query((id: string) => fetchImages(() => api.getImage(id), (image) => [image]), "image");

export const retryAnalysis = action(async (id: string) => {
  await api.analyzeImage(id);
  await revalidate(getImage.keyFor(id));
}, "retryAnalysis");

/** The owner's edits and the "never send to AI" switch; every query revalidates afterwards, this image's included. */
export const editImage = action(async (id: string, patch: ImagePatch) => {
  await api.updateImage(id, patch);
}, "editImage");
