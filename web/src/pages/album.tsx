import { A, createAsync, useAction, useParams } from "@solidjs/router";
import { createSignal, For, lazy, mapArray, onCleanup, Show } from "solid-js";
import { AlbumTitle } from "../components/album-title";
import { FormAlert } from "../components/form-alert";
import { TileImage, tileStyle } from "../components/image-card";
import { NoPreview } from "../components/no-preview";
import RowSize from "../components/row-size";
import { chooseCover, getAlbum, getAlbumImages, removeFromAlbum } from "../lib/albums";
import type { ImageView } from "../lib/api-shapes";
import { usePageTitle } from "../lib/page-title";
import { onViewerLinkClick, showInViewer, viewerLinkState, type WalkableList } from "../lib/viewer-list";

// Shared with the image page and loaded once the album is shown (the album chunk stays small).
const ShareLinks = lazy(() => import("../components/share-links").then((module) => ({ default: module.ShareLinks })));
const Viewer = lazy(() => import("../components/viewer"));

/**
 * /a/:id: the album's images (newest first), its cover, and its share links. /a/:id/i/:imageId is
 * the same page with the viewer open over it, walking the album's images.
 */
export default function Album() {
  const params = useParams<{ id: string; imageId?: string }>();
  const album = createAsync(() => getAlbum(params.id));
  usePageTitle(() => (params.imageId ? undefined : (album()?.name ?? "Album")));
  const [cursors, setCursors] = createSignal([""]);
  const pages = mapArray(cursors, (cursor) => createAsync(() => getAlbumImages(params.id, cursor)));
  const images = () => pages().flatMap((page) => page()?.images ?? []);
  const next = () => pages().at(-1)?.()?.next_cursor;
  const loadMore = () => {
    const cursor = next();
    if (cursor && cursors().at(-1) !== cursor) setCursors([...cursors(), cursor]);
  };
  const list: WalkableList = { images, loading: () => pages().at(-1)?.() === undefined, hasMore: () => Boolean(next()), loadMore };
  showInViewer({ list, total: () => album()?.image_count, offset: () => 0 });
  onCleanup(() => showInViewer(undefined));
  const imagePath = (imageId: string) => `/a/${params.id}/i/${imageId}`;
  const setCover = useAction(chooseCover);
  const remove = useAction(removeFromAlbum);
  const [error, setError] = createSignal<unknown>();
  const act = (work: Promise<unknown>) => {
    setError(undefined);
    void work.catch(setError);
  };
  // The shown cover: the owner's choice, else the first image (the API's rule).
  const isCover = (image: ImageView) => album()?.cover?.id === image.id;
  return (
    <section class="album">
      <p>
        <A href="/a">← All albums</A>
      </p>
      <Show when={album()}>{(shown) => <AlbumTitle album={shown()} />}</Show>
      <FormAlert error={error()} />
      <Show when={album()?.image_count === 0}>
        <div class="empty">
          <h2>This album is empty</h2>
          <p>
            Add images from the <A href="/">gallery</A>: select them, then choose “Add to album”.
          </p>
        </div>
      </Show>
      <RowSize />
      <ul class="grid justified album-images" aria-label="Images in this album" aria-busy={pages().at(-1)?.() === undefined}>
        <For each={images()}>
          {(image) => (
            <li class="card" style={tileStyle(image)} data-cover={isCover(image)}>
              <a href={imagePath(image.id)} class="card-link" state={viewerLinkState} noScroll onClick={onViewerLinkClick}>
                <span class="thumb">
                  <Show when={image.thumb_url} fallback={<NoPreview image={image} />}>
                    {(thumb) => <TileImage image={image} src={thumb()} />}
                  </Show>
                </span>
                <span class="card-name">{image.file_name}</span>
              </a>
              <div class="card-actions">
                <Show
                  when={!isCover(image)}
                  fallback={
                    <span class="badge" data-status="done">
                      Cover
                    </span>
                  }
                >
                  <button type="button" class="link" aria-label={`Make ${image.file_name} the cover`} onClick={() => act(setCover(params.id, image.id))}>
                    Make cover
                  </button>
                </Show>
                <button type="button" class="link" aria-label={`Remove ${image.file_name} from the album`} onClick={() => act(remove(params.id, image.id))}>
                  Remove
                </button>
              </div>
            </li>
          )}
        </For>
      </ul>
      <Show when={next()}>
        <button type="button" class="more" onClick={loadMore}>
          Load more
        </button>
      </Show>
      <Show when={album()}>{(shown) => <ShareLinks albumId={shown().id} />}</Show>
      <Show when={params.imageId}>{(id) => <Viewer id={id()} home={`/a/${params.id}`} pathOf={imagePath} />}</Show>
    </section>
  );
}
