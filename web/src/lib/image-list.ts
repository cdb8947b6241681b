import { createAsync } from "@solidjs/router";
import { createComputed, createMemo, createSignal, mapArray, on, type Accessor } from "solid-js";
import type { ImageView } from "./api-shapes";
import { getImagePage, type GalleryFilter } from "./images";
import { recentUploads } from "./uploads";

interface PageRequest {
  filter: GalleryFilter;
  from: string;
  cursor: string;
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
export function createImageList(filter: Accessor<GalleryFilter>): ImageList {
  // A new filter (or a jump) starts again from its first page; a request keeps the filter its cursor belongs to.
  const [requests, setRequests] = createSignal<PageRequest[]>([]);
  createComputed(on(filter, (current) => setRequests([{ filter: current, from: "", cursor: "" }])));
  const pages = mapArray(requests, (request) => createAsync(() => getImagePage(request.filter, request.cursor, request.from)));
  const lastPage = () => pages().at(-1)?.();
  const loading = () => lastPage() === undefined;
  const from = () => requests()[0]?.from ?? "";

  const images = createMemo(() => {
    const loaded = pages().flatMap((page) => page()?.images ?? []);
    const searching = Boolean(filter().q);
    const oldestLoaded = loaded.at(-1)?.timeline_date ?? "";
    const recent = searching || filter().tag || filter().favorite || from() ? [] : recentUploads().filter((image) => !lastPage()?.next_cursor || image.timeline_date >= oldestLoaded);
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
    const last = requests().at(-1);
    if (next && last && last.cursor !== next) setRequests([...requests(), { ...last, cursor: next }]);
  };

  return {
    images,
    loading,
    hasMore: () => Boolean(lastPage()?.next_cursor),
    loadMore,
    from,
    startAt: (month) => setRequests([{ filter: filter(), from: month, cursor: "" }]),
  };
}
