import { createAsync } from "@solidjs/router";
import { createComputed, createEffect, createMemo, createSignal, For, mapArray, on, onCleanup, onMount, Show } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { getImagePage, type GalleryFilter } from "../lib/images";
import { recentUploads, uploadInputId } from "../lib/uploads";
import { ImageCard } from "./image-card";

interface PageRequest {
  filter: GalleryFilter;
  cursor: string;
}

/** Keyset pages of the filter, loaded as the end of the grid scrolls into view. */
export function ImageGrid(props: { filter: GalleryFilter }) {
  const filtered = () => Boolean(props.filter.q || props.filter.tag);
  // A new filter starts again from its first page; a request keeps the filter its cursor belongs to.
  const [requests, setRequests] = createSignal<PageRequest[]>([]);
  createComputed(on(() => props.filter, (filter) => setRequests([{ filter, cursor: "" }])));
  const pages = mapArray(requests, (request) => createAsync(() => getImagePage(request.filter, request.cursor)));
  const lastPage = () => pages().at(-1)?.();
  const loading = () => lastPage() === undefined;

  const images = createMemo(() => {
    const seen = new Set<string>();
    const shown: ImageView[] = [];
    // This visit's uploads go on top; a page that also holds them does not repeat them.
    for (const image of [...(filtered() ? [] : recentUploads()), ...pages().flatMap((page) => page()?.images ?? [])]) {
      if (seen.has(image.id)) continue;
      seen.add(image.id);
      shown.push(image);
    }
    return shown;
  });

  const loadMore = () => {
    const next = lastPage()?.next_cursor;
    const last = requests().at(-1);
    if (next && last && last.cursor !== next) setRequests([...requests(), { filter: last.filter, cursor: next }]);
  };

  // Infinite scroll. Observing afresh after each page reports where the end is once the
  // new cards are laid out (a stale "in view" from before would load pages nobody asked for).
  let sentinel!: HTMLDivElement;
  onMount(() => {
    const observer = new IntersectionObserver(([entry]) => entry.isIntersecting && !loading() && loadMore(), { rootMargin: "400px 0px" });
    createEffect(() => {
      if (loading()) return;
      observer.unobserve(sentinel);
      observer.observe(sentinel);
    });
    onCleanup(() => observer.disconnect());
  });

  return (
    <>
      <Show when={!loading() && images().length === 0}>
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
      <ul class="grid" aria-label="Images" aria-busy={loading()}>
        <For each={images()}>{(image) => <ImageCard image={image} />}</For>
      </ul>
      <div ref={sentinel} class="sentinel" />
      <Show when={loading()}>
        <p class="loading" role="status">
          Loading images…
        </p>
      </Show>
      <Show when={!loading() && lastPage()?.next_cursor}>
        <button type="button" class="more" onClick={loadMore}>
          Load more
        </button>
      </Show>
    </>
  );
}
