import { Show } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { freshest, refreshExpiredUrl, watchImage } from "../lib/live-images";
import { onViewerLinkClick, viewerLinkState } from "../lib/viewer-list";
import { AnalysisBadge } from "./analysis-badge";
import { FavoriteStar } from "./favorite-star";
import { NoPreview } from "./no-preview";

/** A tile's part in a selection (the gallery's); without it the tile is a plain link. */
export interface CardSelection {
  selected: boolean;
  /** Something is selected: a click on the tile selects it too, instead of opening it. */
  active: boolean;
  onToggle: (range: boolean) => void;
}

const longPressMs = 500;

/** Where the photo size chosen in row-size.tsx is kept; it applies before the first tile is laid out (the control loads later). */
export const rowScaleKey = "grid-row-scale";
document.documentElement.style.setProperty("--row-scale", localStorage.getItem(rowScaleKey) || "1");

/** A tile's shape in the justified rows: the photo's own, short of extremes (a panorama would be a sliver). */
export const tileStyle = (image: ImageView) => ({ "--ratio": String(Math.min(4, Math.max(0.4, image.width / image.height))) });

/**
 * A tile's picture: the thumb only. It is 720 px (480 before December 2026) and rows are ~104 px
 * tall on a phone, so a 3× screen has what it needs; listing the 2,048 px display copy too let
 * the browser fetch it for any tile a little wider than the thumb (3.37 MB for 26 tiles).
 */
export function TileImage(props: { image: ImageView; src: string }) {
  return (
    <img
      src={props.src}
      alt={props.image.alt_text ?? ""}
      width={props.image.width}
      height={props.image.height}
      loading="lazy"
      decoding="async"
      draggable={false}
      onError={() => void refreshExpiredUrl(props.image)}
    />
  );
}

/**
 * A gallery tile in justified rows: a box of the photo's shape (its colour shows while the thumb
 * arrives), then the thumb rendition. `opensViewer` opens the
 * image in the viewer over the list (same URL, /i/:id), not on its own page.
 */
export function ImageCard(props: { image: ImageView; selection?: CardSelection; opensViewer?: boolean }) {
  const image = () => freshest(props.image);
  watchImage(image);
  let pressTimer: ReturnType<typeof setTimeout> | undefined;
  let longPressed = false;
  const endPress = () => clearTimeout(pressTimer);
  return (
    <li class="card" style={tileStyle(image())} data-status={image().analysis_status} data-selected={props.selection?.selected ? "" : undefined}>
      <Show when={props.selection}>
        {(selection) => (
          <input
            type="checkbox"
            class="card-select"
            data-id={image().id}
            checked={selection().selected}
            aria-label={`Select ${image().file_name}`}
            onClick={(event) => {
              selection().onToggle(event.shiftKey);
              event.currentTarget.checked = selection().selected;
            }}
          />
        )}
      </Show>
      <a
        href={`/i/${image().id}`}
        class="card-link"
        state={props.opensViewer ? viewerLinkState : undefined}
        noScroll={props.opensViewer || undefined}
        onClick={(event) => {
          // In selection mode (or after a long press) a tap selects; shift-click selects a range.
          if (longPressed || (props.selection?.active && !event.ctrlKey && !event.metaKey)) {
            event.preventDefault();
            if (!longPressed) props.selection?.onToggle(event.shiftKey);
          } else if (props.opensViewer) onViewerLinkClick(event);
          longPressed = false;
        }}
        onPointerDown={(event) => {
          longPressed = false;
          if (event.pointerType !== "touch" || !props.selection) return;
          pressTimer = setTimeout(() => {
            longPressed = true;
            props.selection?.onToggle(false);
          }, longPressMs);
        }}
        onPointerUp={endPress}
        onPointerCancel={endPress}
        onPointerLeave={endPress}
        onContextMenu={(event) => longPressed && event.preventDefault()}
      >
        <span class="thumb">
          <Show when={image().thumb_url} fallback={<NoPreview image={image()} />}>
            {(thumb) => <TileImage image={image()} src={thumb()} />}
          </Show>
        </span>
        <span class="card-name">{image().file_name}</span>
        {/* A tile flags analysis still to come or failed; "skipped" is the owner's own choice (never send to AI) and would mark every tile. */}
        <Show when={image().analysis_status !== "done" && image().analysis_status !== "skipped"}>
          <AnalysisBadge status={image().analysis_status} />
        </Show>
      </a>
      <FavoriteStar image={image()} />
    </li>
  );
}
