import { action, query, redirect, revalidate } from "@solidjs/router";
import * as api from "./api";
import { forget } from "./live-images";
import { forgetUpload } from "./uploads";

export interface GalleryFilter {
  q: string;
  tag: string;
}

const pageSize = 24;

export const getImagePage = query(
  (filter: GalleryFilter, cursor: string) => api.listImages({ ...filter, cursor, limit: pageSize }),
  "images",
);

export const getImage = query((id: string) => api.getImage(id), "image");

export const deleteImage = action(async (id: string) => {
  await api.deleteImage(id);
  forget(id);
  forgetUpload(id);
  throw redirect("/", { revalidate: getImagePage.key });
}, "deleteImage");

export const retryAnalysis = action(async (id: string) => {
  await api.analyzeImage(id);
  await revalidate(getImage.keyFor(id));
}, "retryAnalysis");
