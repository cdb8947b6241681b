import { createAsync, revalidate, useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, lazy, on, onCleanup, onMount, Show } from "solid-js";
import { createImageList } from "../lib/image-list";
import { getTimeline, type GalleryFilter } from "../lib/images";
import { clearSelection, selectedIds } from "../lib/selection";
import { onSelectionKey } from "../lib/selection-keys";
import { recentUploads } from "../lib/uploads";
import { showInViewer } from "../lib/viewer-list";
import { ImageGrid, MoreImages } from "./image-grid";
import { Timeline } from "./timeline";

// The selection bar (and its album picker) loads with the first selection: the first load stays under 30 KiB.
const BulkActions = lazy(() => import("./bulk-actions"));
const RowSize = lazy(() => import("./row-size"));
const MonthNav = lazy(() => import("./month-nav"));

/**
 * The gallery's images: by date (timeline) unless searching, which keeps its best-match order
 * in a flat grid. Tiles can be selected for bulk actions and open the viewer, which walks this
 * same list.
 */
export function GalleryImages(props: { filter: GalleryFilter }) {
  // A reload of ?month=2019-10 starts the list there (MonthNav keeps the URL and the list in step afterwards).
  const [params] = useSearchParams<{ month?: string }>();
  const list = createImageList(() => props.filter, /^\d{4}-(0[1-9]|1[0-2])$/.test(params.month ?? "") ? params.month : "");
  const byDate = () => !props.filter.q && !props.filter.tag;
  const months = createAsync(() => getTimeline().catch(() => undefined));
  // Another search or tag shows other images: a selection of ones no longer shown would surprise.
  createEffect(on(() => props.filter, clearSelection, { defer: true }));
  // A new upload changes the months' counts.
  createEffect(on(recentUploads, () => void revalidate(getTimeline.key), { defer: true }));
  const total = () => (byDate() ? months()?.reduce((sum, month) => sum + month.count, 0) : undefined);
  const offset = createMemo(() => {
    const from = list.from();
    if (!from) return 0;
    const newerLoaded = list.images().filter((image) => image.timeline_date.slice(0, 7) > from).length;
    return (months() ?? []).filter((month) => month.month > from).reduce((sum, month) => sum + month.count, 0) - newerLoaded;
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
        <Show when={byDate() && months()}>{(shown) => <MonthNav list={list} months={shown()} />}</Show>
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
