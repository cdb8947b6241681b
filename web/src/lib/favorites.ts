import { updateImage } from "./api";
import { fetchImages } from "./live-images";

/** Stars or unstars an image: its tiles and the viewer show the answer at once (its live copy). */
export async function setFavorite(id: string, favorite: boolean) {
  await fetchImages(() => updateImage(id, { favorite }), (image) => [image]);
}
