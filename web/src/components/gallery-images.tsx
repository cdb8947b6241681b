import { createAsync, revalidate } from "@solidjs/router";
import { createEffect, createMemo, createSignal, lazy, on, onCleanup, onMount, Show } from "solid-js";
import { createImageList } from "../lib/image-list";
import { getTimeline, type GalleryFilter } from "../lib/images";
import { clearSelection, selectedIds } from "../lib/selection";
import { onSelectionKey } from "../lib/selection-keys";
import { recentUploads } from "../lib/uploads";
import { showInViewer } from "../lib/viewer-list";
import { ImageGrid, MoreImages } from "./image-grid";
import { MonthJump, Timeline } from "./timeline";

// The selection bar (and its album picker) loads with the first selection: the first load stays under 30 KiB.
const BulkActions = lazy(() => import("./bulk-actions"));
const RowSize = lazy(() => import("./row-size"));

/**
 * The gallery's images: by date (timeline) unless searching, which keeps its best-match order
 * in a flat grid. Tiles can be selected for bulk actions and open the viewer, which walks this
 * same list.
 */
export function GalleryImages(props: { filter: GalleryFilter }) {
  const list = createImageList(() => props.filter);
  const byDate = () => !props.filter.q && !props.filter.tag;
  const months = createAsync(() => getTimeline().catch(() => undefined));
  // Another search or tag shows other images: a selection of ones no longer shown would surprise.
  createEffect(on(() => props.filter, clearSelection, { defer: true }));
  // A new upload changes the months' counts.
  createEffect(on(recentUploads, () => void revalidate(getTimeline.key), { defer: true }));
  const total = () => (byDate() ? months()?.reduce((sum, month) => sum + month.count, 0) : undefined);
  const offset = createMemo(() => {
    const from = list.from();
    return from ? (months() ?? []).filter((month) => month.month > from).reduce((sum, month) => sum + month.count, 0) : 0;
  });
  showInViewer({ list, total, offset });
  const order = () => list.images().map((image) => image.id);
  // Once shown, the bar stays mounted: its summary outlives the selection it reports on.
  const [selecting, setSelecting] = createSignal(false);
  createEffect(() => selectedIds().size > 0 && setSelecting(true));

  onMount(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof Element && event.target.closest("dialog, [role=dialog]")) return;
      onSelectionKey(event, order);
    };
    document.addEventListener("keydown", onKey);
    onCleanup(() => document.removeEventListener("keydown", onKey));
  });
  onCleanup(() => {
    showInViewer(undefined);
    clearSelection();
  });

  return (
    <>
      <div class="grid-tools">
        <Show when={byDate() && (months()?.length ?? 0) > 1}>
          <MonthJump list={list} months={months() ?? []} />
        </Show>
        <RowSize />
      </div>
      <Show when={byDate() && list.images().length > 0} fallback={<ImageGrid filter={props.filter} list={list} selectable opensViewer />}>
        <Timeline list={list} />
        <MoreImages list={list} />
      </Show>
      <Show when={selecting()}>
        <BulkActions images={list.images} />
      </Show>
    </>
  );
}
