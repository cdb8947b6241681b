import { createSignal, Show } from "solid-js";
import { type BatchState, createBatchSummary, formatBytePair, formatTimeLeft } from "../lib/upload-batch";
import { closePanel } from "../lib/upload-items";
import { cancelAll } from "../lib/upload-outcomes";
import { pauseUploads, resumeUploads } from "../lib/upload-queue";
import { currentUploads } from "../lib/uploads";
import { UploadList } from "./upload-list";

const stateLabels: Record<BatchState, string> = {
  uploading: "",
  processing: "Processing",
  paused: "Paused",
  offline: "Offline, waiting for the network",
  done: "",
};

/**
 * The whole batch in one compact panel, floating over the page's corner (on a phone, along its
 * bottom) so it never pushes the gallery down: "12 of 29 · 48 of 96 MB · 1 min left", one
 * progress bar, pause and resume, cancel, and the files one by one on demand.
 */
export default function UploadPanel() {
  const [expanded, setExpanded] = createSignal(false);
  const batch = createBatchSummary(currentUploads);
  const finished = () => batch.state() === "done";
  const outcome = () =>
    [batch.failed() && `${batch.failed()} failed`, batch.cancelled() && `${batch.cancelled()} cancelled`].filter(Boolean).join(" · ");
  const headline = () => {
    if (finished()) return [`${batch.done()} uploaded`, outcome()].filter(Boolean).join(" · ");
    const label = stateLabels[batch.state()];
    return [label, `${batch.done()} of ${batch.total()}`, outcome()].filter(Boolean).join(" · ");
  };
  const details = () => {
    if (finished()) return "";
    const left = batch.secondsLeft();
    return [formatBytePair(batch.sent(), batch.bytes()), left !== undefined && formatTimeLeft(left)].filter(Boolean).join(" · ");
  };
  return (
    <section class="upload-panel" aria-label="Uploads" data-state={batch.state()}>
      <p class="upload-headline">
        <span role="status">{headline()}</span>
        <Show when={details()}>
          <span class="hint"> · {details()}</span>
        </Show>
      </p>
      <Show when={!finished()}>
        <progress max="1" value={batch.bytes() ? batch.sent() / batch.bytes() : 0} aria-label="Upload progress" />
      </Show>
      <div class="upload-panel-actions">
        <button type="button" class="link" aria-expanded={expanded()} aria-controls="upload-files" onClick={() => setExpanded(!expanded())}>
          {expanded() ? "Hide files" : "Show files"}
        </button>
        <Show
          when={!finished()}
          fallback={
            <button type="button" onClick={closePanel}>
              Close
            </button>
          }
        >
          <Show when={batch.state() !== "offline"}>
            <Show when={batch.state() === "paused"} fallback={<button type="button" onClick={pauseUploads}>Pause</button>}>
              <button type="button" class="primary" onClick={resumeUploads}>
                Resume
              </button>
            </Show>
          </Show>
          <button type="button" onClick={cancelAll}>
            Cancel all
          </button>
        </Show>
      </div>
      <UploadList uploads={currentUploads()} hidden={!expanded()} />
    </section>
  );
}
