import { clearSelection, extendSelection, selectAll, selectedIds, toggleSelected } from "./selection";

const typing = (target: EventTarget | null) => target instanceof HTMLElement && target.matches("input:not([type=checkbox]), textarea, select, [contenteditable]");

/** The tile's checkbox `steps` tiles away in the order shown (arrow keys; a row holds `perRow`). */
function neighbour(from: HTMLInputElement, steps: number): HTMLInputElement | undefined {
  const boxes = [...document.querySelectorAll<HTMLInputElement>("input.card-select")];
  return boxes[boxes.indexOf(from) + steps];
}

/** How many tiles a row of the grid holds: those sharing the first tile's top edge. */
function tilesPerRow(box: HTMLInputElement): number {
  const grid = box.closest("ul");
  const tiles = grid ? [...grid.children] : [];
  const top = tiles[0]?.getBoundingClientRect().top;
  return Math.max(1, tiles.filter((tile) => tile.getBoundingClientRect().top === top).length);
}

/**
 * Keys on a tile's checkbox: Enter toggles as Space does, Shift+Space selects the range from
 * the last one toggled, Shift+arrows extend the selection tile by tile. Anywhere in the list:
 * Ctrl/Cmd+A selects every image shown, Escape clears.
 */
export function onSelectionKey(event: KeyboardEvent, order: () => string[]) {
  const box = event.target instanceof HTMLInputElement && event.target.matches("input.card-select") ? event.target : undefined;
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "a" && !typing(event.target)) {
    event.preventDefault();
    selectAll(order());
  } else if (event.key === "Escape" && selectedIds().size > 0) {
    event.preventDefault();
    clearSelection();
  } else if (box?.dataset.id && (event.key === "Enter" || (event.key === " " && event.shiftKey))) {
    event.preventDefault();
    toggleSelected(box.dataset.id, order(), event.shiftKey);
  } else if (box?.dataset.id && event.shiftKey && event.key.startsWith("Arrow")) {
    const row = tilesPerRow(box);
    const steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -row, ArrowDown: row }[event.key] ?? 0;
    const next = neighbour(box, steps);
    if (!next?.dataset.id) return;
    event.preventDefault();
    extendSelection(box.dataset.id, next.dataset.id);
    next.focus();
  }
}
