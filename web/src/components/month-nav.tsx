import { useLocation, useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from "solid-js";
import type { TimelineMonth } from "../lib/api-shapes";
import type { ImageList } from "../lib/image-list";
import { isViewerState } from "../lib/viewer-list";
import { monthHeadingId, monthName } from "../lib/months";
import { NewerImages } from "./newer-images";
import { TimelineScrubber } from "./timeline-scrubber";

/** Where the window was when the page left for a month: kept in that history entry, so Back returns there. */
interface SavedPlace {
  month: string;
  /** The month heading's distance from the top of the window, in px. */
  top: number;
}

const savedPlace = (): SavedPlace | undefined => (history.state as { timelinePlace?: SavedPlace } | null)?.timelinePlace;
const wideQuery = "(min-width: 48rem)";
const monthHeading = (month: string) => document.getElementById(monthHeadingId(month));

/**
 * Moving through the timeline by month: a scrubber along the right edge on wide screens, a
 * month list behind a button on phones. The month goes into the URL (?month=2019-10), so a
 * reload opens there, and the place left is kept in its history entry, so Back returns to it.
 * Loaded after the timeline (lazy): the first load stays under 30 KiB.
 */
export default function MonthNav(props: { list: ImageList; months: TimelineMonth[] }) {
  const [params, setParams] = useSearchParams<{ month?: string }>();
  const location = useLocation();
  // Under the viewer (/i/:id, no query) the timeline stays where it was.
  const urlMonth = createMemo<string>((shown) => (isViewerState(location.state) ? shown : (params.month ?? "")), "");
  const [visible, setVisible] = createSignal("");
  const [wide, setWide] = createSignal(false);
  // A place to show once its month is loaded; focus goes to its heading when a person chose it from the list.
  const [target, setTarget] = createSignal<SavedPlace & { focus: boolean }>();
  // The jump this page itself is making (its new entry has no saved place yet), and whether the last one was an arrow key's.
  let jumping: { month: string; focus: boolean } | undefined;
  let keyJump = false;

  const go = (place: SavedPlace | undefined, focus = false) => {
    if (!place?.month) {
      if (props.list.from() && props.list.hasNewer()) props.list.startAt("");
      window.scrollTo(0, 0);
      return;
    }
    if (!monthHeading(place.month)) props.list.startAt(place.month);
    setTarget({ ...place, focus });
  };
  createEffect(() => {
    const place = target();
    if (!place || props.list.loading()) return;
    const heading = monthHeading(place.month);
    setTarget(undefined);
    if (!heading) return;
    heading.scrollIntoView({ block: "start" });
    if (place.top) window.scrollBy(0, heading.getBoundingClientRect().top - place.top);
    if (place.focus) heading.focus({ preventScroll: true });
  });
  // A new URL goes to its month's heading when this page jumped there; Back, Forward and a reload go to the entry's saved place, if any.
  createEffect(
    on(urlMonth, (month) => {
      const own = jumping?.month === month ? jumping : undefined;
      jumping = undefined;
      go(own ? { month, top: 0 } : (savedPlace() ?? { month, top: 0 }), own?.focus);
    }, { defer: !params.month }),
  );

  const jump = (month: string, how: "list" | "key" | "pointer") => {
    const heading = monthHeading(visible());
    history.replaceState({ ...history.state, timelinePlace: { month: visible(), top: heading?.getBoundingClientRect().top ?? 0 } }, "");
    // Arrow keys on the scrubber step month by month: one history entry for the walk, not one per step.
    const replace = how === "key" && keyJump;
    keyJump = how === "key";
    if (month === urlMonth()) go({ month, top: 0 }, how === "list");
    else {
      jumping = { month, focus: how === "list" };
      setParams({ month }, { replace });
    }
  };

  onMount(() => {
    const media = window.matchMedia(wideQuery);
    const onMedia = () => setWide(media.matches);
    let frame = 0;
    // The month whose heading last passed under the header: the scrubber's value, and the place Back returns to.
    const onScroll = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const heads = [...document.querySelectorAll<HTMLElement>(".month-head")];
        const passed = heads.filter((head) => head.getBoundingClientRect().top <= 96).at(-1) ?? heads[0];
        setVisible(passed?.closest<HTMLElement>("[data-month]")?.dataset.month ?? "");
      });
    };
    onMedia();
    onScroll();
    media.addEventListener("change", onMedia);
    window.addEventListener("scroll", onScroll, { passive: true });
    onCleanup(() => {
      media.removeEventListener("change", onMedia);
      window.removeEventListener("scroll", onScroll);
      cancelAnimationFrame(frame);
    });
  });
  createEffect(on(props.list.images, () => requestAnimationFrame(() => window.dispatchEvent(new Event("scroll")))));

  const years = createMemo(() => [...new Set(props.months.map((month) => month.month.slice(0, 4)))]);
  let popover!: HTMLDivElement;
  return (
    <>
    <Show when={props.months.length > 1}>
      <Show
        when={wide()}
        fallback={
          <div class="month-list">
            <button type="button" popovertarget="month-list-pop">
              Months
            </button>
            <div id="month-list-pop" class="month-pop" popover ref={popover} role="dialog" aria-label="Months">
              <For each={years()}>
                {(year) => (
                  <section>
                    <h2>{year}</h2>
                    <ul>
                      <For each={props.months.filter((month) => month.month.startsWith(year))}>
                        {(month) => (
                          <li>
                            <a
                              href={`?month=${month.month}`}
                              aria-current={month.month === visible() ? "true" : undefined}
                              on:click={(event) => {
                                if (event.ctrlKey || event.metaKey || event.shiftKey) return;
                                event.preventDefault();
                                popover.hidePopover();
                                jump(month.month, "list");
                              }}
                            >
                              {monthName(month.month)} <span class="count">{month.count}</span>
                            </a>
                          </li>
                        )}
                      </For>
                    </ul>
                  </section>
                )}
              </For>
            </div>
          </div>
        }
      >
        <TimelineScrubber months={props.months} value={visible()} onJump={jump} onLeave={() => (keyJump = false)} />
      </Show>
    </Show>
    <NewerImages list={props.list} />
    </>
  );
}
