import { useLocation, type RouteSectionProps } from "@solidjs/router";
import { createEffect, ErrorBoundary, on } from "solid-js";
import { AppHeader } from "./components/app-header";
import { isViewerState } from "./lib/viewer-list";

/** Layout shell. After client-side navigation, focus moves to the new page's main region (as a page load would). */
export function App(props: RouteSectionProps) {
  const location = useLocation();
  let main!: HTMLElement;
  createEffect(
    on(
      () => [location.pathname, isViewerState(location.state)] as const,
      ([path, inViewer], before) => {
        // Only a new page or the viewer opening or closing: another history state on the same page (a place the timeline saved) is not one.
        if (before && before[0] === path && before[1] === inViewer) return;
        // Typing in the search box navigates too; the caret must stay there.
        if (document.activeElement?.closest("[role=search]")) return;
        // The viewer manages focus itself, and closing it (up to the gallery or the album under it) returns to the tile, where the page was scrolled.
        const closedViewer = before?.[1] && before[0] !== path && before[0].startsWith(path);
        if (inViewer || closedViewer) return;
        main.focus({ preventScroll: true });
        window.scrollTo(0, 0);
      },
      { defer: true },
    ),
  );
  return (
    <>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is an anchor by convention (WCAG G1); it moves focus without touching the router's URL */}
      <a
        class="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          main.focus();
        }}
      >
        Skip to content
      </a>
      <AppHeader />
      <main id="main" ref={main} tabindex="-1">
        <ErrorBoundary
          fallback={(error) => (
            <p class="form-error" role="alert">
              Something went wrong: {error instanceof Error ? error.message : "unknown error"}. Reload the page to try again.
            </p>
          )}
        >
          {props.children}
        </ErrorBoundary>
      </main>
    </>
  );
}
