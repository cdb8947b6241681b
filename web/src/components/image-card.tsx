import { Show } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { freshest, refreshExpiredUrl, watchImage } from "../lib/live-images";
import { onViewerLinkClick, viewerLinkState } from "../lib/viewer-list";
import { AnalysisBadge } from "./analysis-badge";
import { NoPreview, renditionWidth } from "./no-preview";

/** A tile's part in a selection (the gallery's); without it the tile is a plain link. */
export interface CardSelection {
  selected: boolean;
  /** Something is selected: a click on the tile selects it too, instead of opening it. */
  active: boolean;
  onToggle: (range: boolean) => void;
}

const longPressMs = 500;

/**
 * A gallery tile: a fixed square box (its colour shows while the thumb arrives), the thumb
 * rendition, or the display one on a screen dense enough to need it. `opensViewer` opens the
 * image in the viewer over the list (same URL, /i/:id), not on its own page.
 */
export function ImageCard(props: { image: ImageView; selection?: CardSelection; opensViewer?: boolean }) {
  const image = () => freshest(props.image);
  watchImage(image);
  let pressTimer: ReturnType<typeof setTimeout> | undefined;
  let longPressed = false;
  const endPress = () => clearTimeout(pressTimer);
  return (
    <li class="card" data-status={image().analysis_status} data-selected={props.selection?.selected ? "" : undefined}>
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
            {(thumb) => (
              <img
                src={thumb()}
                srcset={`${thumb()} ${renditionWidth(image(), 480)}w, ${image().display_url} ${renditionWidth(image(), 2048)}w`}
                sizes="(max-width: 30rem) 50vw, 12rem"
                alt={image().alt_text ?? ""}
                width={image().width}
                height={image().height}
                loading="lazy"
                decoding="async"
                draggable={false}
                onError={() => void refreshExpiredUrl(image())}
              />
            )}
          </Show>
        </span>
        <span class="card-name">{image().file_name}</span>
        <Show when={image().analysis_status !== "done"}>
          <AnalysisBadge status={image().analysis_status} />
        </Show>
      </a>
    </li>
  );
}
