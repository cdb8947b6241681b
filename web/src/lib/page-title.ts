import { createEffect } from "solid-js";

export function usePageTitle(title: () => string) {
  createEffect(() => (document.title = `${title()} · Images`));
}
