import { revalidate, useParams, useSearchParams } from "@solidjs/router";
import { createMemo, ErrorBoundary, Show } from "solid-js";
import { GalleryImages } from "../components/gallery-images";
import { Uploader } from "../components/uploader";
import { getImagePage, type GalleryFilter } from "../lib/images";
import { usePageTitle } from "../lib/page-title";

export function Gallery() {
  const [params, setParams] = useSearchParams<{ q?: string; tag?: string }>();
  const route = useParams<{ id?: string }>();
  // Under the viewer (/i/:id, no query) the gallery keeps the list it showed.
  const filter = createMemo<GalleryFilter>((shown) => (route.id ? shown : { q: params.q ?? "", tag: params.tag ?? "" }), { q: "", tag: "" }, {
    equals: (a, b) => a.q === b.q && a.tag === b.tag,
  });
  const heading = () =>
    filter().q ? `Results for “${filter().q}”` : filter().tag ? `Tagged “${filter().tag}”` : "Your images";
  usePageTitle(() => (route.id ? undefined : heading()));
  return (
    <>
      <div class="gallery-head">
        <h1>{heading()}</h1>
        <Show when={filter().q && filter().tag}>
          <p class="hint">Within the tag “{filter().tag}”.</p>
        </Show>
        <Show when={filter().q || filter().tag}>
          <button type="button" class="link" onClick={() => setParams({ q: undefined, tag: undefined })}>
            Show all images
          </button>
        </Show>
      </div>
      <Uploader />
      <ErrorBoundary
        fallback={(error, reset) => (
          <div class="form-error" role="alert">
            <p>Could not load your images: {error instanceof Error ? error.message : "unknown error"}</p>
            <button
              type="button"
              onClick={async () => {
                await revalidate(getImagePage.key);
                reset();
              }}
            >
              Try again
            </button>
          </div>
        )}
      >
        <GalleryImages filter={filter()} />
      </ErrorBoundary>
    </>
  );
}
