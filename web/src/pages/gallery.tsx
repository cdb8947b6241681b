import { createAsync, useSearchParams } from "@solidjs/router";
import { createComputed, createEffect, createMemo, createSignal, ErrorBoundary, For, mapArray, on, onCleanup, onMount, Show } from "solid-js";
import { ImageCard } from "../components/image-card";
import { UploadList } from "../components/upload-list";
import { Uploader } from "../components/uploader";
import type { ImageView } from "../lib/api-types";
import { getImagePage, type GalleryFilter } from "../lib/images";
import { usePageTitle } from "../lib/page-title";
import { recentUploads } from "../lib/uploads";

interface PageRequest {
  filter: GalleryFilter;
  cursor: string;
}

export function Gallery() {
  const [params, setParams] = useSearchParams<{ q?: string; tag?: string }>();
  const filter = createMemo<GalleryFilter>(
    () => ({ q: params.q ?? "", tag: params.tag ?? "" }),
    undefined,
    { equals: (a, b) => a.q === b.q && a.tag === b.tag },
  );
  const filtered = () => Boolean(filter().q || filter().tag);
  usePageTitle(() => (filter().q ? `“${filter().q}”` : filter().tag ? `#${filter().tag}` : "Your images"));

  // Keyset pages for the current filter; a new filter starts again from the first page.
  const [requests, setRequests] = createSignal<PageRequest[]>([]);
  createComputed(on(filter, (f) => setRequests([{ filter: f, cursor: "" }])));
  const pages = mapArray(requests, (request) => createAsync(() => getImagePage(request.filter, request.cursor)));
  const lastPage = () => pages().at(-1)?.();
  const loading = () => pages().length > 0 && lastPage() === undefined;

  const images = createMemo(() => {
    const seen = new Set<string>();
    const shown: ImageView[] = [];
    // Uploads of this visit go on top; a refetched page that also has them does not repeat them.
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
    if (!next || !last || last.cursor === next) return;
    setRequests([...requests(), { filter: last.filter, cursor: next }]);
  };

  // Infinite scroll: fetch the next page while the end of the grid is (nearly) in view.
  const [nearEnd, setNearEnd] = createSignal(false);
  let sentinel!: HTMLDivElement;
  onMount(() => {
    const observer = new IntersectionObserver(([entry]) => setNearEnd(entry.isIntersecting), { rootMargin: "600px 0px" });
    observer.observe(sentinel);
    onCleanup(() => observer.disconnect());
  });
  createEffect(() => {
    if (nearEnd() && !loading()) loadMore();
  });

  return (
    <>
      <div class="gallery-head">
        <h1 tabindex="-1">
          <Show when={filtered()} fallback="Your images">
            {filter().q ? `Results for “${filter().q}”` : `Tagged “${filter().tag}”`}
          </Show>
        </h1>
        <Show when={filtered()}>
          <button type="button" class="link" onClick={() => setParams({ q: undefined, tag: undefined })}>
            Show all images
          </button>
        </Show>
      </div>
      <Show when={filter().tag && filter().q}>
        <p class="hint">Within the tag “{filter().tag}”.</p>
      </Show>
      <Uploader prompt={images().length || loading() ? "Upload images" : "Upload your first image"} />
      <UploadList />
      <ErrorBoundary
        fallback={(error, reset) => (
          <div class="form-error" role="alert">
            <p>Could not load images: {error instanceof Error ? error.message : "unknown error"}</p>
            <button type="button" onClick={reset}>
              Try again
            </button>
          </div>
        )}
      >
        <Show when={!loading() && images().length === 0}>
          <div class="empty">
            <Show
              when={filtered()}
              fallback={
                <>
                  <h2>No images yet</h2>
                  <p>Upload your first image: it stays private, and a description, alt text and tags are written for it.</p>
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
      </ErrorBoundary>
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
