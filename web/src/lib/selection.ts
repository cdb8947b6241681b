import { createSignal } from "solid-js";

/** The gallery's selection: ids, plus the anchor a range (shift) starts from. */
const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set());
let anchor: string | undefined;

export const selectedIds = selected;
export const isSelected = (id: string) => selected().has(id);

/** Toggles one image; with `range`, sets everything from the anchor to it to the anchor's state. */
export function toggleSelected(id: string, order: readonly string[], range = false) {
  const next = new Set(selected());
  const from = anchor ? order.indexOf(anchor) : -1;
  const to = order.indexOf(id);
  if (range && from >= 0 && to >= 0) {
    const select = next.has(anchor as string);
    for (const between of order.slice(Math.min(from, to), Math.max(from, to) + 1)) {
      if (select) next.add(between);
      else next.delete(between);
    }
  } else {
    if (next.has(id)) next.delete(id);
    else next.add(id);
    anchor = id;
  }
  setSelected(next);
}

/** Shift+arrow: the image moved to joins the selection, as does the one moved from. */
export function extendSelection(fromId: string, toId: string) {
  const next = new Set(selected());
  next.add(fromId);
  next.add(toId);
  anchor ??= fromId;
  setSelected(next);
}

export function selectAll(ids: readonly string[]) {
  setSelected(new Set(ids));
}

/** After a bulk action: only the ids it could not handle stay selected. */
export function keepSelected(ids: readonly string[]) {
  setSelected(new Set(ids));
  anchor = ids[0];
}

export function clearSelection() {
  anchor = undefined;
  setSelected(new Set<string>());
}
