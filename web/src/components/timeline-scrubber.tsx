import { createMemo, createSignal, For, Show } from "solid-js";
import type { TimelineMonth } from "../lib/api-shapes";
import { monthName } from "../lib/months";

type JumpBy = "key" | "pointer";

/** Year labels closer than this (a share of the rail) to the one above are left out: small years would overlap. */
const minYearGap = 0.04;

/**
 * The timeline's scrubber, along the right edge (like Immich's): each month takes a share of the
 * rail as large as its share of the photos, years are labelled, hovering names the month under
 * the pointer, and a click or a drag (on release) jumps there. For the keyboard it is a slider
 * whose value is the month shown: arrows step a month, Page Up/Down a year, Home/End the ends.
 */
export function TimelineScrubber(props: { months: TimelineMonth[]; value: string; onJump: (month: string, how: JumpBy) => void; onLeave: () => void }) {
  // Each month's top and height on the rail, as fractions of it.
  const spans = createMemo(() => {
    const total = props.months.reduce((sum, month) => sum + month.count, 0) || 1;
    let above = 0;
    return props.months.map((month) => {
      const span = { month: month.month, top: above / total, size: month.count / total };
      above += month.count;
      return span;
    });
  });
  const years = createMemo(() => {
    const labels: { year: string; top: number }[] = [];
    for (const span of spans()) {
      const year = span.month.slice(0, 4);
      const last = labels.at(-1);
      if (last?.year === year || (last && span.top - last.top < minYearGap)) continue;
      labels.push({ year, top: span.top });
    }
    return labels;
  });
  const index = () => Math.max(0, props.months.findIndex((month) => month.month <= props.value));
  const [hover, setHover] = createSignal<{ month: string; y: number }>();
  let dragging = false;
  let rail!: HTMLDivElement;

  const monthAt = (clientY: number) => {
    const box = rail.getBoundingClientRect();
    const y = Math.min(Math.max((clientY - box.top) / box.height, 0), 0.9999);
    const span = spans().find((candidate) => y < candidate.top + candidate.size) ?? spans()[spans().length - 1];
    return { month: span.month, y: clientY - box.top };
  };
  const step = (event: KeyboardEvent) => {
    const last = props.months.length - 1;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: 12, PageUp: -12, Home: -Infinity, End: Infinity };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const next = Math.min(Math.max(index() + move, 0), last);
    if (next !== index()) props.onJump(props.months[next].month, "key");
  };

  return (
    <div
      ref={rail}
      class="scrubber"
      role="slider"
      tabIndex={0}
      aria-label="Timeline"
      aria-orientation="vertical"
      aria-valuemin={0}
      aria-valuemax={props.months.length - 1}
      aria-valuenow={index()}
      aria-valuetext={props.months[index()] ? monthName(props.months[index()].month) : undefined}
      onKeyDown={step}
      onBlur={() => props.onLeave()}
      onPointerDown={(event) => {
        if (event.button !== 0) return;
        event.preventDefault();
        rail.focus({ preventScroll: true });
        rail.setPointerCapture(event.pointerId);
        dragging = true;
        setHover(monthAt(event.clientY));
      }}
      onPointerMove={(event) => setHover(monthAt(event.clientY))}
      onPointerUp={(event) => {
        if (!dragging) return;
        dragging = false;
        props.onJump(monthAt(event.clientY).month, "pointer");
      }}
      onPointerCancel={() => (dragging = false)}
      onPointerLeave={() => !dragging && setHover(undefined)}
    >
      <For each={years()}>
        {(label) => (
          <span class="scrubber-year" style={{ top: `${label.top * 100}%` }}>
            {label.year}
          </span>
        )}
      </For>
      <For each={spans()}>{(span) => <span class="scrubber-tick" style={{ top: `${(span.top + span.size / 2) * 100}%` }} />}</For>
      <Show when={spans()[index()]}>{(span) => <span class="scrubber-now" style={{ top: `${span().top * 100}%`, height: `${span().size * 100}%` }} />}</Show>
      <Show when={hover()}>
        {(shown) => (
          <span class="scrubber-label" style={{ top: `${shown().y}px` }} aria-hidden="true">
            {monthName(shown().month)}
          </span>
        )}
      </Show>
    </div>
  );
}
