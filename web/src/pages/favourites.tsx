import { Show } from "solid-js";
import { ImageGrid } from "../components/image-grid";
import { createImageList, type ImageList } from "../lib/image-list";
import type { GalleryFilter } from "../lib/images";
import { freshest } from "../lib/live-images";
import { usePageTitle } from "../lib/page-title";

const starred: GalleryFilter = { q: "", tag: "", favorite: true };

/** /favourites: the starred images, newest first; one unstarred here leaves at once. */
export default function Favourites() {
  usePageTitle(() => "Favourites");
  const pages = createImageList(() => starred);
  const list: ImageList = { ...pages, images: () => pages.images().filter((image) => freshest(image).favorite) };
  return (
    <section class="favourites">
      <h1>Favourites</h1>
      <Show
        when={list.loading() || list.images().length > 0}
        fallback={
          <div class="empty">
            <h2>No favourites yet</h2>
            <p>Tap the star (☆) on a photo, in the gallery or the viewer, and it shows here.</p>
          </div>
        }
      >
        <ImageGrid filter={starred} list={list} />
      </Show>
    </section>
  );
}
