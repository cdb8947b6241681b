import { type Accessor, createEffect, createMemo, createSignal, onCleanup, untrack } from "solid-js";
import { isActive, type Upload } from "./upload-items";
import { isOnline, isPaused } from "./upload-queue";

export type BatchState = "uploading" | "processing" | "paused" | "offline" | "done";

/** The whole batch at a glance: "12 of 29 · 48 of 96 MB · 1 min left". */
export function createBatchSummary(uploads: Accessor<Upload[]>) {
  const counted = createMemo(() => uploads().filter((upload) => upload.progress().state !== "cancelled"));
  const count = (state: string) => counted().filter((upload) => upload.progress().state === state).length;
  const sending = () => counted().filter((upload) => upload.progress().state !== "failed");
  const bytes = () => sending().reduce((sum, upload) => sum + upload.size(), 0);
  const sent = () => sending().reduce((sum, upload) => sum + Math.min(upload.progress().sent, upload.size()), 0);
  const state = (): BatchState => {
    if (!uploads().some(isActive)) return "done";
    if (!isOnline()) return "offline";
    if (isPaused()) return "paused";
    return sent() < bytes() ? "uploading" : "processing";
  };
  const secondsLeft = createSecondsLeft(sent, bytes, createMemo(() => state() === "uploading"));
  return {
    state,
    total: () => counted().length,
    done: () => count("done"),
    failed: () => count("failed"),
    cancelled: () => uploads().length - counted().length,
    bytes,
    sent,
    secondsLeft,
  };
}

const windowMs = 10_000;

/** Time left at the rate of the last 10 s, once 3 s of it are known; undefined while stopped. */
function createSecondsLeft(sent: Accessor<number>, bytes: Accessor<number>, running: Accessor<boolean>): Accessor<number | undefined> {
  const [left, setLeft] = createSignal<number>();
  createEffect(() => {
    if (!running()) return setLeft(undefined);
    const samples: { at: number; sent: number }[] = [];
    const sample = () => {
      const now = performance.now();
      samples.push({ at: now, sent: sent() });
      while (samples.length > 2 && now - samples[0].at > windowMs) samples.shift();
      const first = samples[0];
      const rate = (sent() - first.sent) / (now - first.at);
      setLeft(now - first.at >= 3000 && rate > 0 ? (bytes() - sent()) / rate / 1000 : undefined);
    };
    untrack(sample);
    const timer = setInterval(sample, 1000);
    onCleanup(() => clearInterval(timer));
  });
  return left;
}

export const formatTimeLeft = (seconds: number) => (seconds < 60 ? `${Math.max(1, Math.round(seconds))} s left` : `${Math.round(seconds / 60)} min left`);

/** "48 of 96 MB": both in the larger one's unit. */
export function formatBytePair(part: number, whole: number): string {
  const [unit, size] = whole >= 1024 * 1024 ? ["MB", 1024 * 1024] : whole >= 1024 ? ["KB", 1024] : ["B", 1];
  const show = (n: number) => (n / size >= 10 || size === 1 ? Math.round(n / size) : Number((n / size).toFixed(1))).toString();
  return `${show(part)} of ${show(whole)} ${unit}`;
}
