import { createEffect, For, onCleanup, onMount, Show } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { createImageList, type ImageList } from "../lib/image-list";
import type { GalleryFilter } from "../lib/images";
import { isSelected, selectedIds, toggleSelected } from "../lib/selection";
import { uploadInputId } from "../lib/uploads";
import { type CardSelection, ImageCard } from "./image-card";

interface ImageGridProps {
  filter: GalleryFilter;
  /** The pages to show; by default the filter's own. */
  list?: ImageList;
  /** Tiles carry a checkbox for the gallery's selection. */
  selectable?: boolean;
  /** Tiles open the viewer over the list instead of the image's page. */
  opensViewer?: boolean;
}

/** A tile's part in the gallery's selection, ranges counted in `order` (the images shown). */
export function cardSelection(image: ImageView, order: () => string[]): CardSelection {
  return {
    get selected() {
      return isSelected(image.id);
    },
    get active() {
      return selectedIds().size > 0;
    },
    onToggle: (range) => toggleSelected(image.id, order(), range),
  };
}

/** Keyset pages of the filter as a flat grid, loaded as the end of the grid scrolls into view. */
export function ImageGrid(props: ImageGridProps) {
  const list = props.list ?? createImageList(() => props.filter);
  const filtered = () => Boolean(props.filter.q || props.filter.tag);
  const order = () => list.images().map((image) => image.id);
  return (
    <>
      <Show when={!list.loading() && list.images().length === 0}>
        <div class="empty">
          <Show
            when={filtered()}
            fallback={
              <>
                <h2>No images yet</h2>
                <p>Your images stay private. Each one gets a description, alt text and tags written for it.</p>
                <label for={uploadInputId} class="button primary">
                  Upload your first image
                </label>
              </>
            }
          >
            <h2>No images match</h2>
            <p>Try other words, or show all images.</p>
          </Show>
        </div>
      </Show>
      <ul class="grid justified" aria-label="Images" aria-busy={list.loading()}>
        <For each={list.images()}>
          {(image) => <ImageCard image={image} selection={props.selectable ? cardSelection(image, order) : undefined} opensViewer={props.opensViewer} />}
        </For>
      </ul>
      <MoreImages list={list} />
    </>
  );
}

/**
 * Infinite scroll, with a button for those who do not scroll. Observing afresh after each page
 * reports where the end is once the new cards are laid out (a stale "in view" from before would
 * load pages nobody asked for).
 */
export function MoreImages(props: { list: ImageList }) {
  let sentinel!: HTMLDivElement;
  onMount(() => {
    const observer = new IntersectionObserver(([entry]) => entry.isIntersecting && !props.list.loading() && props.list.loadMore(), { rootMargin: "400px 0px" });
    createEffect(() => {
      if (props.list.loading()) return;
      observer.unobserve(sentinel);
      observer.observe(sentinel);
    });
    onCleanup(() => observer.disconnect());
  });
  return (
    <>
      <div ref={sentinel} class="sentinel" />
      <Show when={props.list.loading()}>
        <p class="loading" role="status">
          Loading images…
        </p>
      </Show>
      <Show when={!props.list.loading() && props.list.hasMore()}>
        <button type="button" class="more" onClick={() => props.list.loadMore()}>
          Load more
        </button>
      </Show>
    </>
  );
}
