import { createAsync, useNavigate } from "@solidjs/router";
import { createEffect, createSignal, createUniqueId, on, onCleanup, onMount, Show } from "solid-js";
import { Portal } from "solid-js/web";
import { ApiError } from "../lib/api";
import type { ImageView } from "../lib/api-shapes";
import { getImage } from "../lib/images";
import { freshest, watchImage } from "../lib/live-images";
import { usePageTitle } from "../lib/page-title";
import { takeOpenedFromList, viewerList, type ViewerState } from "../lib/viewer-list";
import { ViewerPanel } from "./viewer-panel";
import { ViewerStage } from "./viewer-stage";
import { createZoom } from "./viewer-zoom";

const focusable = "a[href], button:not(:disabled), input:not(:disabled), textarea, select, [tabindex]:not([tabindex='-1'])";
/** Shift+arrow pans a zoomed image by this much (px), as a drag would. */
const panSteps: Record<string, [number, number]> = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] };
const typing = (target: EventTarget | null) => target instanceof HTMLElement && target.matches("input, textarea, select");

interface ViewerProps {
  id: string;
  /** The page under the viewer, where closing it goes: "/" (the gallery) or an album's page. */
  home: string;
  /** Each image's URL over that page: /i/:id over the gallery, /a/:album/i/:id over an album. */
  pathOf: (id: string) => string;
}

/**
 * The full-window viewer over the gallery or an album, at the image's URL there. It walks the list
 * that page shows (search and tag included), loading its next page as the end nears. A modal dialog:
 * the page behind is inert, Tab stays inside, and closing returns focus to the image's tile.
 */
export default function Viewer(props: ViewerProps) {
  const navigate = useNavigate();
  const cameFromList = takeOpenedFromList();
  const images = () => viewerList()?.list.images() ?? [];
  const index = () => images().findIndex((image) => image.id === props.id);
  const fetched = createAsync<{ view?: ImageView; error?: unknown }>(() => getImage(props.id).then((view) => ({ view }), (error: unknown) => ({ error })));
  const image = () => {
    const view = fetched()?.view ?? images()[index()];
    return view && freshest(view);
  };
  // A URL of an image since deleted (or never there) says so, instead of loading for ever.
  const failure = () => {
    const error = fetched()?.error;
    if (!error || image()) return undefined;
    return error instanceof ApiError && error.status === 404 ? "This image is not there any more: it was deleted, or the link is wrong." : "The image could not be loaded. Close the viewer and try again.";
  };
  watchImage(image);
  usePageTitle(() => image()?.file_name ?? "Image");
  const zoom = createZoom();
  createEffect(on(() => props.id, () => zoom.reset(), { defer: true }));
  const [panelOpen, setPanelOpen] = createSignal(window.matchMedia("(min-width: 56rem)").matches);
  const headingId = createUniqueId();
  const panelId = createUniqueId();

  const neighbour = (step: 1 | -1) => (index() < 0 ? undefined : images()[index() + step]);
  const go = (step: 1 | -1) => {
    const next = neighbour(step);
    if (next) navigate(props.pathOf(next.id), { replace: true, scroll: false, state: { viewer: true } satisfies ViewerState });
  };
  // Near the end of what is loaded, the next page comes in, so "next" never stops short.
  createEffect(() => {
    const list = viewerList()?.list;
    if (list && index() >= 0 && index() >= images().length - 3 && list.hasMore() && !list.loading()) list.loadMore();
  });
  const position = () => {
    const shown = viewerList();
    if (!shown || index() < 0) return "";
    const count = shown.total() ?? (shown.list.hasMore() ? `${images().length}+` : images().length);
    return `${shown.offset() + index() + 1} of ${count}`;
  };
  const close = () => (cameFromList ? history.back() : navigate(props.home, { scroll: false }));

  let dialog!: HTMLDivElement;
  // The id is gone from the route by the time the viewer closes: the tile to return to is the last one shown.
  let shownId = props.id;
  createEffect(() => (shownId = props.id));
  const root = document.getElementById("root");
  onMount(() => {
    root?.setAttribute("inert", "");
    document.documentElement.classList.add("viewer-open");
    dialog.focus();
  });
  onCleanup(() => {
    root?.removeAttribute("inert");
    document.documentElement.classList.remove("viewer-open");
    const tile = document.querySelector<HTMLElement>(`a.card-link[href="${CSS.escape(props.pathOf(shownId))}"]`);
    tile?.focus();
  });

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Tab") {
      const stops = [...dialog.querySelectorAll<HTMLElement>(focusable)];
      const [first, last] = [stops[0], stops.at(-1)];
      const wrapTo = event.shiftKey ? (document.activeElement === first || document.activeElement === dialog ? last : undefined) : document.activeElement === last ? first : undefined;
      if (!wrapTo) return;
      event.preventDefault();
      wrapTo.focus();
      return;
    }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    const pan = panSteps[event.key];
    if (event.shiftKey && pan) {
      event.preventDefault();
      zoom.panBy(...pan);
      return;
    }
    const actions: Record<string, () => void> = {
      Escape: close,
      ArrowRight: () => go(1),
      ArrowLeft: () => go(-1),
      "+": () => zoom.zoomBy(1.5),
      "=": () => zoom.zoomBy(1.5),
      "-": () => zoom.zoomBy(1 / 1.5),
      "0": zoom.reset,
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  return (
    <Portal>
      <div ref={dialog} class="viewer" role="dialog" aria-modal="true" aria-label={`${image()?.file_name ?? "Image"}, viewer`} tabindex="-1" onKeyDown={onKeyDown}>
        <div class="viewer-bar">
          <button type="button" onClick={close} aria-label="Close viewer">
            ✕ <span class="viewer-label">Close</span>
          </button>
          <span class="viewer-position" aria-hidden="true">
            {position()}
          </span>
          <button type="button" onClick={() => go(-1)} disabled={!neighbour(-1)} aria-label="Previous image">
            ←
          </button>
          <button type="button" onClick={() => go(1)} disabled={!neighbour(1)} aria-label="Next image">
            →
          </button>
          <button type="button" onClick={() => zoom.zoomBy(1 / 1.5)} disabled={!zoom.zoomed()} aria-label="Zoom out">
            −
          </button>
          <button type="button" onClick={() => zoom.zoomBy(1.5)} aria-label="Zoom in">
            +
          </button>
          <button type="button" onClick={() => setPanelOpen(!panelOpen())} aria-expanded={panelOpen()} aria-controls={panelId}>
            {panelOpen() ? "Hide details" : "Details"}
          </button>
        </div>
        <p class="visually-hidden" aria-live="polite">
          {position() && `${image()?.file_name ?? ""}, ${position()}`}
        </p>
        <div class="viewer-body" data-panel={panelOpen() ? "" : undefined}>
          <Show
            when={image()}
            fallback={
              <Show when={failure()} fallback={<p class="loading">Loading…</p>}>
                {(text) => (
                  <p class="viewer-missing" role="alert">
                    {text()}
                  </p>
                )}
              </Show>
            }
          >
            {(shown) => (
              <>
                <ViewerStage image={shown()} zoom={zoom} onSwipe={go} />
                <div id={panelId} class="viewer-side" hidden={!panelOpen()}>
                  <ViewerPanel image={shown()} headingId={headingId} />
                </div>
              </>
            )}
          </Show>
        </div>
      </div>
    </Portal>
  );
}
