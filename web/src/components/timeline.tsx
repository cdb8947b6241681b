import { createMemo, For } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import type { ImageList } from "../lib/image-list";
import { monthHeadingId, monthName } from "../lib/months";
import { cardSelection } from "./image-grid";
import { ImageCard } from "./image-card";

// timeline_date is a calendar date in no one's time zone: format it as UTC so it stays that date.
const dayName = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });

/** Distinct values of `key` over `items`, in order of first appearance. */
function distinct<T>(items: readonly T[], key: (item: T) => string): string[] {
  return [...new Set(items.map(key))];
}

/**
 * The gallery by date: month and day headers, newest first, each day its own justified rows. Keyed by
 * strings so a new page adds sections without rebuilding the tiles already shown. After a jump,
 * the newer pages come in above (NewerImages).
 */
export function Timeline(props: { list: ImageList }) {
  const order = () => props.list.images().map((image) => image.id);
  const months = createMemo(() => distinct(props.list.images(), (image) => image.timeline_date.slice(0, 7)));
  const inMonth = (month: string) => props.list.images().filter((image) => image.timeline_date.startsWith(month));
  return (
    <div class="timeline" classList={{ jumped: Boolean(props.list.from()) }}>
      <For each={months()}>
        {(month) => {
          const images = createMemo(() => inMonth(month));
          const days = createMemo(() => distinct(images(), (image) => image.timeline_date));
          return (
            <section class="month" aria-labelledby={monthHeadingId(month)} data-month={month}>
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
