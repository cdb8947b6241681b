import { createComputed, createEffect, on, onCleanup, onMount } from "solid-js";
import type { ImageList } from "../lib/image-list";

/**
 * After a jump, the timeline's top: scrolling up to it loads the newer pages (a button for those
 * who do not scroll). The tile at the top of the window stays where it was as they arrive above
 * it, whether or not the browser anchors scrolling itself (Safari did not).
 */
export function NewerImages(props: { list: ImageList }) {
  let anchor: { element: Element; top: number } | undefined;
  // Computations run before the DOM changes, effects after: measure the anchor, then put it back.
  createComputed(
    on(props.list.images, () => {
      const element = [...document.querySelectorAll(".timeline .month-head, .timeline .card")].find((candidate) => candidate.getBoundingClientRect().bottom > 0);
      anchor = element && { element, top: element.getBoundingClientRect().top };
    }),
  );
  createEffect(
    on(props.list.images, () => {
      if (anchor?.element.isConnected) window.scrollBy(0, anchor.element.getBoundingClientRect().top - anchor.top);
      anchor = undefined;
    }),
  );
  let sentinel!: HTMLDivElement;
  onMount(() => {
    const observer = new IntersectionObserver(([entry]) => entry.isIntersecting && !props.list.loadingNewer() && props.list.loadNewer(), { rootMargin: "400px 0px" });
    createEffect(() => {
      if (props.list.loadingNewer() || !props.list.hasNewer()) return;
      observer.unobserve(sentinel);
      observer.observe(sentinel);
    });
    onCleanup(() => observer.disconnect());
  });
  return (
    <div ref={sentinel} class="newer" hidden={!props.list.hasNewer() && !props.list.loadingNewer()}>
      <button type="button" class="more" disabled={props.list.loadingNewer()} onClick={() => props.list.loadNewer()}>
        {props.list.loadingNewer() ? "Loading newer images…" : "Load newer images"}
      </button>
    </div>
  );
}
