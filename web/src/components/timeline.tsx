import { createEffect, createMemo, createSignal, For, Show } from "solid-js";
import type { ImageView, TimelineMonth } from "../lib/api-shapes";
import type { ImageList } from "../lib/image-list";
import { cardSelection } from "./image-grid";
import { ImageCard } from "./image-card";

// timeline_date is a calendar date in no one's time zone: format it as UTC so it stays that date.
const monthName = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString(undefined, { month: "long", year: "numeric", timeZone: "UTC" });
const dayName = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
const monthHeadingId = (month: string) => `month-${month}`;

/** Distinct values of `key` over `items`, in order of first appearance. */
function distinct<T>(items: readonly T[], key: (item: T) => string): string[] {
  return [...new Set(items.map(key))];
}

/**
 * The gallery by date: month and day headers, newest first, each day its own justified rows. Keyed by
 * strings so a new page adds sections without rebuilding the tiles already shown.
 */
export function Timeline(props: { list: ImageList }) {
  const order = () => props.list.images().map((image) => image.id);
  const months = createMemo(() => distinct(props.list.images(), (image) => image.timeline_date.slice(0, 7)));
  const inMonth = (month: string) => props.list.images().filter((image) => image.timeline_date.startsWith(month));
  return (
    <div class="timeline">
      <For each={months()}>
        {(month) => {
          const images = createMemo(() => inMonth(month));
          const days = createMemo(() => distinct(images(), (image) => image.timeline_date));
          return (
            <section class="month" aria-labelledby={monthHeadingId(month)}>
              <h2 id={monthHeadingId(month)} class="month-head" tabindex="-1">
                {monthName(month)}
              </h2>
              <div class="days">
                <For each={days()}>
                  {(day) => <Day day={day} images={images().filter((image) => image.timeline_date === day)} order={order} />}
                </For>
              </div>
            </section>
          );
        }}
      </For>
    </div>
  );
}

function Day(props: { day: string; images: ImageView[]; order: () => string[] }) {
  const id = `day-${props.day}`;
  return (
    <div class="day">
      <h3 id={id} class="day-head">
        <time datetime={props.day}>{dayName(props.day)}</time>
      </h3>
      <ul class="grid justified" aria-labelledby={id}>
        <For each={props.images}>{(image) => <ImageCard image={image} selection={cardSelection(image, props.order)} opensViewer />}</For>
      </ul>
    </div>
  );
}

/**
 * Jumping to a month: one already loaded is scrolled to; another starts the listing there
 * (?from=), whose keyset pages then continue without gaps or repeats. Focus moves to the month's
 * heading either way, so a screen reader hears where it landed.
 */
export function MonthJump(props: { list: ImageList; months: TimelineMonth[] }) {
  const [target, setTarget] = createSignal<string>();
  createEffect(() => {
    const month = target();
    if (!month || props.list.loading()) return;
    const heading = document.getElementById(monthHeadingId(month));
    if (!heading) return;
    heading.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
    setTarget(undefined);
  });
  const jump = (month: string) => {
    if (!month) return;
    if (!document.getElementById(monthHeadingId(month))) props.list.startAt(month);
    setTarget(month);
  };
  return (
    <nav class="month-jump" aria-label="Months">
      {/* Choosing is not going: a select that moved the page on each arrow key would strand keyboard users. */}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          jump(String(new FormData(event.currentTarget).get("month") ?? ""));
        }}
      >
        <label>
          <span>Jump to</span>
          <select name="month">
            <For each={props.months}>
              {(month) => (
                <option value={month.month}>
                  {monthName(month.month)} ({month.count})
                </option>
              )}
            </For>
          </select>
        </label>
        <button type="submit">Go</button>
      </form>
      <Show when={props.list.from()}>
        <button
          type="button"
          class="link"
          onClick={() => {
            props.list.startAt("");
            window.scrollTo(0, 0);
          }}
        >
          Back to the newest
        </button>
      </Show>
    </nav>
  );
}
