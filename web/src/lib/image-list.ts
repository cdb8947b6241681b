import { createAsync } from "@solidjs/router";
import { createComputed, createMemo, createSignal, mapArray, on, type Accessor } from "solid-js";
import type { ImageView } from "./api-shapes";
import { getImagePage, type GalleryFilter } from "./images";
import { recentUploads } from "./uploads";

interface PageRequest {
  filter: GalleryFilter;
  from: string;
  cursor: string;
  before: string;
}

export interface ImageList {
  images: Accessor<ImageView[]>;
  loading: Accessor<boolean>;
  /** Another page exists after the last one loaded. */
  hasMore: Accessor<boolean>;
  loadMore: () => void;
  /** The month the listing starts at ("" for the newest): a jump in the timeline. */
  from: Accessor<string>;
  startAt: (month: string) => void;
  /** After a jump, newer images exist above the first one loaded (scrolling up loads them). */
  hasNewer: Accessor<boolean>;
  loadingNewer: Accessor<boolean>;
  loadNewer: () => void;
}

/**
 * The listing's own order (timeline_at desc, then id desc): the capture time as its wall clock
 * reads, else the upload's in UTC to the millisecond (uploads a second apart keep their order).
 * Uploads finish in any order, so this visit's are placed by it too, not by when they arrived.
 */
const timelineKey = (image: ImageView) => (image.taken_at ? image.taken_at.slice(0, 19) : image.created_at.slice(0, 23));
const byTimeline = (a: ImageView, b: ImageView) => {
  const [ka, kb] = [timelineKey(a), timelineKey(b)];
  if (ka !== kb) return ka < kb ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
};

/**
 * Keyset pages of a filter, in the listing's order. This visit's uploads join the newest pages
 * (in date order without a search, on top with one: search has its own order); a page that
 * also holds them does not repeat them.
 */
export function createImageList(filter: Accessor<GalleryFilter>, startMonth = ""): ImageList {
  // A new filter (or a jump) starts again from its first page; a request keeps the filter its cursor belongs to.
  // Pages run both ways from there: `older` from the start down (cursor), `newer` up from it (before), nearest first.
  const [older, setOlder] = createSignal<PageRequest[]>([]);
  const [newer, setNewer] = createSignal<PageRequest[]>([]);
  const startAt = (month: string) => {
    setNewer([]);
    setOlder([{ filter: filter(), from: month, cursor: "", before: "" }]);
  };
  let initial = startMonth;
  createComputed(on(filter, () => startAt(initial)));
  initial = "";
  const load = (request: PageRequest) => createAsync(() => getImagePage(request.filter, request.cursor, request.from, request.before));
  const olderPages = mapArray(older, load);
  const newerPages = mapArray(newer, load);
  const lastPage = () => olderPages().at(-1)?.();
  const loading = () => lastPage() === undefined;
  const newest = () => (newer().length ? newerPages().at(-1)?.() : olderPages()[0]?.());
  const loadingNewer = () => newer().length > 0 && newest() === undefined;
  const hasNewer = () => Boolean(newest()?.prev_cursor);
  const from = () => older()[0]?.from ?? "";

  const images = createMemo(() => {
    const loaded = [...newerPages()].reverse().flatMap((page) => page()?.images ?? []);
    loaded.push(...olderPages().flatMap((page) => page()?.images ?? []));
    const searching = Boolean(filter().q);
    const oldestLoaded = loaded.at(-1)?.timeline_date ?? "";
    // Below the newest page (a jump not yet scrolled up to the top), this visit's uploads wait for it.
    const atTop = !from() || (!loadingNewer() && !hasNewer() && newest() !== undefined);
    const recent = searching || filter().tag || filter().favorite || !atTop ? [] : recentUploads().filter((image) => !lastPage()?.next_cursor || image.timeline_date >= oldestLoaded);
    const seen = new Set<string>();
    const shown: ImageView[] = [];
    for (const image of [...recent, ...loaded]) {
      if (seen.has(image.id)) continue;
      seen.add(image.id);
      shown.push(image);
    }
    return searching ? shown : shown.sort(byTimeline);
  });

  const loadMore = () => {
    const next = lastPage()?.next_cursor;
    const last = older().at(-1);
    if (next && last && last.cursor !== next) setOlder([...older(), { ...last, cursor: next }]);
  };
  const loadNewer = () => {
    const before = newest()?.prev_cursor;
    const last = newer().at(-1);
    if (before && last?.before !== before) setNewer([...newer(), { filter: filter(), from: "", cursor: "", before }]);
  };

  return { images, loading, hasMore: () => Boolean(lastPage()?.next_cursor), loadMore, from, startAt, hasNewer, loadingNewer, loadNewer };
}
