import { Show } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { NoPreview } from "./no-preview";
import type { Zoom } from "./viewer-zoom";

const swipeMinPx = 60;

/**
 * The image, zoomed and panned by wheel, pinch, double-click and drag; a horizontal swipe at
 * scale 1 asks for the next or previous image. Pointer events cover mouse, pen and touch alike.
 */
export function ViewerStage(props: { image: ImageView; zoom: Zoom; onSwipe: (step: 1 | -1) => void }) {
  const pointers = new Map<number, { x: number; y: number }>();
  let start: { x: number; y: number } | undefined;
  let pinch: { distance: number; scale: number } | undefined;
  let stage!: HTMLDivElement;
  const fromCentre = (event: { clientX: number; clientY: number }) => {
    const box = stage.getBoundingClientRect();
    return { x: event.clientX - box.left - box.width / 2, y: event.clientY - box.top - box.height / 2 };
  };
  const spread = () => {
    const [a, b] = [...pointers.values()];
    return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
  };
  const end = (event: PointerEvent) => {
    const from = start;
    pointers.delete(event.pointerId);
    if (pointers.size < 2) pinch = undefined;
    if (pointers.size > 0 || !from) return;
    start = undefined;
    const dx = event.clientX - from.x;
    const dy = event.clientY - from.y;
    if (!props.zoom.zoomed() && Math.abs(dx) > swipeMinPx && Math.abs(dx) > Math.abs(dy)) props.onSwipe(dx < 0 ? 1 : -1);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: pointer gestures only; the keyboard zooms with + − 0 and moves with the arrows, on the dialog
    <div
      ref={stage}
      class="viewer-stage"
      style={{ "--ratio": String(props.image.width / props.image.height) }}
      data-zoomed={props.zoom.zoomed() ? "" : undefined}
      onWheel={(event) => {
        event.preventDefault();
        props.zoom.zoomBy(Math.exp(-event.deltaY * 0.002), fromCentre(event));
      }}
      onDblClick={(event) => (props.zoom.zoomed() ? props.zoom.reset() : props.zoom.zoomTo(2.5, fromCentre(event)))}
      onPointerDown={(event) => {
        stage.setPointerCapture(event.pointerId);
        pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
        if (pointers.size === 1) start = { x: event.clientX, y: event.clientY };
        if (pointers.size === 2) {
          pinch = { distance: spread(), scale: props.zoom.scale() };
          start = undefined;
        }
      }}
      onPointerMove={(event) => {
        const last = pointers.get(event.pointerId);
        if (!last) return;
        pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
        if (pinch && pinch.distance > 0) props.zoom.zoomTo((pinch.scale * spread()) / pinch.distance);
        else if (pointers.size === 1) props.zoom.panBy(event.clientX - last.x, event.clientY - last.y);
      }}
      onPointerUp={end}
      onPointerCancel={end}
    >
      <Show when={props.image.display_url} fallback={<NoPreview image={props.image} />}>
        {(display) => (
          <img
            src={display()}
            alt={props.image.alt_text || `${props.image.file_name} (no description yet)`}
            style={{ transform: props.zoom.transform() }}
            draggable={false}
          />
        )}
      </Show>
    </div>
  );
}
