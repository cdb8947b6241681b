import { createSignal, type Accessor } from "solid-js";
import type { ImageList } from "./image-list";

/** What the viewer needs of a list of images: what is loaded, and a way to load the rest. */
export type WalkableList = Pick<ImageList, "images" | "loading" | "hasMore" | "loadMore">;

/** What the viewer walks: the list the page under it shows (the gallery's, an album's), and where it sits in the whole. */
interface ViewerList {
  list: WalkableList;
  /** How many images the whole list holds, when known (the timeline's month counts). */
  total: Accessor<number | undefined>;
  /** How many come before the first one loaded (after a jump to a month). */
  offset: Accessor<number>;
}

/** The history state of a viewer opened from a tile; without it, /i/:id is the image's own page. */
export interface ViewerState {
  viewer: true;
}

export const isViewerState = (state: unknown): state is ViewerState =>
  typeof state === "object" && state !== null && (state as Partial<ViewerState>).viewer === true;

const [shown, setShown] = createSignal<ViewerList>();

export const viewerList = shown;
export const showInViewer = setShown;

// Whether the viewer was opened by a tile (a history entry of the gallery lies behind it) or by a reload.
let openedFromList = false;

/** A tile's link into the viewer carries this history state (as the `state` attribute the router reads). */
export const viewerLinkState = JSON.stringify({ viewer: true } satisfies ViewerState);

/** A plain click on a tile's link opens the viewer over the list; with Ctrl, Cmd or Shift the browser opens it elsewhere. */
export function onViewerLinkClick(event: MouseEvent) {
  if (!event.ctrlKey && !event.metaKey && !event.shiftKey) openedFromList = true;
}

/** Read once by the viewer as it opens. */
export function takeOpenedFromList(): boolean {
  const opened = openedFromList;
  openedFromList = false;
  return opened;
}
