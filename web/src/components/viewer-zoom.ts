import { createSignal } from "solid-js";

const minScale = 1;
const maxScale = 8;
const clamp = (scale: number) => Math.min(maxScale, Math.max(minScale, scale));

interface Point {
  x: number;
  y: number;
}

/**
 * Zoom and pan of the viewer's image, as one CSS transform (translate, then scale about the
 * centre). `zoomAt` keeps the point under the pointer still; at scale 1 there is nothing to pan.
 */
export function createZoom() {
  const [scale, setScale] = createSignal(1);
  const [offset, setOffset] = createSignal<Point>({ x: 0, y: 0 });

  /** `at` is relative to the stage's centre. */
  function zoomTo(next: number, at: Point = { x: 0, y: 0 }) {
    const target = clamp(next);
    const ratio = target / scale();
    const { x, y } = offset();
    setOffset(target === 1 ? { x: 0, y: 0 } : { x: at.x - (at.x - x) * ratio, y: at.y - (at.y - y) * ratio });
    setScale(target);
  }

  return {
    scale,
    zoomed: () => scale() > 1,
    transform: () => `translate(${offset().x}px, ${offset().y}px) scale(${scale()})`,
    zoomTo,
    zoomBy: (factor: number, at?: Point) => zoomTo(scale() * factor, at),
    panBy: (dx: number, dy: number) => {
      if (scale() > 1) setOffset(({ x, y }) => ({ x: x + dx, y: y + dy }));
    },
    reset: () => zoomTo(1),
  };
}

export type Zoom = ReturnType<typeof createZoom>;
