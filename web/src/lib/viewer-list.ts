import { createSignal, type Accessor } from "solid-js";
import type { ImageList } from "./image-list";

/** What the viewer walks: the list the gallery shows, and where it sits in the whole. */
interface ViewerList {
  list: ImageList;
  /** How many images the whole list holds, when known (the timeline's month counts). */
  total: Accessor<number | undefined>;
  /** How many come before the first one loaded (after a jump to a month). */
  offset: Accessor<number>;
}

/** The history state of a viewer opened over the gallery; without it, /i/:id is the image's own page. */
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

export function markOpenedFromList() {
  openedFromList = true;
}

/** Read once by the viewer as it opens. */
export function takeOpenedFromList(): boolean {
  const opened = openedFromList;
  openedFromList = false;
  return opened;
}
