import { createSignal } from "solid-js";
import { rowScaleKey } from "../components/image-card";

export const rowScaleRange = { min: 0.6, max: 2 } as const;
const clamp = (scale: number) => Math.min(rowScaleRange.max, Math.max(rowScaleRange.min, Math.round(scale * 20) / 20));

const stored = Number(localStorage.getItem(rowScaleKey));
const [rowScale, setScale] = createSignal(stored > 0 ? clamp(stored) : 1);
const apply = () => document.documentElement.style.setProperty("--row-scale", String(rowScale()));

/** How tall the grids' rows are, as a factor of the screen's own row height (styles.css); remembered on this device. */
export { rowScale };

export function setRowScale(next: number) {
  setScale(clamp(next));
  apply();
  localStorage.setItem(rowScaleKey, String(rowScale()));
}
