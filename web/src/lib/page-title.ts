import { createEffect } from "solid-js";

/** Sets the document title; `undefined` leaves it to another part of the page (the viewer over the gallery). */
export function usePageTitle(title: () => string | undefined) {
  createEffect(() => {
    const shown = title();
    if (shown !== undefined) document.title = `${shown} · Images`;
  });
}
