import { onCleanup, onMount } from "solid-js";
import { rowScale, rowScaleRange, setRowScale } from "../lib/row-scale";

const spread = (touches: TouchList) => Math.hypot(touches[0].clientX - touches[1].clientX, touches[0].clientY - touches[1].clientY);
const overGrid = (event: Event) => event.target instanceof Element && event.target.closest(".justified") !== null;

/**
 * The photos' size in the justified grids: a slider, a two-finger pinch over a grid, or a
 * trackpad pinch (a wheel event with ctrlKey) there. The grid's touch-action leaves pinching to us.
 * Loaded after the grid (lazy): the first load stays under 30 KiB.
 */
export default function RowSize() {
  onMount(() => {
    let pinch: { distance: number; scale: number } | undefined;
    const onTouch = (event: TouchEvent) => {
      if (event.touches.length !== 2 || !overGrid(event)) pinch = undefined;
      else if (!pinch) pinch = { distance: spread(event.touches), scale: rowScale() };
      else setRowScale((pinch.scale * spread(event.touches)) / pinch.distance);
    };
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey || !overGrid(event)) return;
      event.preventDefault();
      setRowScale(rowScale() * Math.exp(-event.deltaY * 0.01));
    };
    document.addEventListener("touchstart", onTouch);
    document.addEventListener("touchmove", onTouch);
    document.addEventListener("wheel", onWheel, { passive: false });
    onCleanup(() => {
      document.removeEventListener("touchstart", onTouch);
      document.removeEventListener("touchmove", onTouch);
      document.removeEventListener("wheel", onWheel);
    });
  });
  return (
    <label class="row-size">
      <span>Photo size</span>
      <input type="range" min={rowScaleRange.min} max={rowScaleRange.max} step="0.05" value={rowScale()} onInput={(event) => setRowScale(event.currentTarget.valueAsNumber)} />
    </label>
  );
}
