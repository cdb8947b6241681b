import { createSignal, onCleanup, Show } from "solid-js";
import { downloadExportZip } from "../lib/api-lazy";
import { formatBytes } from "../lib/format";
import { saveBlob } from "../lib/save-blob";
import { FormAlert } from "./form-alert";

interface Progress {
  received: number;
  total?: number;
  approximate?: boolean;
}

/** "Download everything (ZIP)": export.json and every original, with progress and a way to stop. */
export default function ExportZip() {
  const [progress, setProgress] = createSignal<Progress>();
  const [error, setError] = createSignal<unknown>();
  const [status, setStatus] = createSignal("");
  let controller: AbortController | undefined;
  onCleanup(() => controller?.abort());
  const start = async () => {
    controller = new AbortController();
    setError(undefined);
    setStatus("");
    setProgress({ received: 0 });
    try {
      const { name, blob } = await downloadExportZip((received, total, approximate) => setProgress({ received, total, approximate }), controller.signal);
      saveBlob(name, blob);
      setStatus(`Downloaded ${formatBytes(blob.size)}.`);
    } catch (failure) {
      if (controller.signal.aborted) setStatus("Download cancelled.");
      else setError(failure);
    } finally {
      controller = undefined;
      setProgress(undefined);
    }
  };
  const label = (shown: Progress) =>
    shown.total ? `${formatBytes(shown.received)} of ${shown.approximate ? "about " : ""}${formatBytes(shown.total)}` : `${formatBytes(shown.received)} received`;
  return (
    <div class="export-zip">
      <Show
        when={progress()}
        fallback={
          <button type="button" onClick={() => void start()}>
            Download everything (ZIP)
          </button>
        }
      >
        {(shown) => (
          <>
            <label for="export-progress">Downloading your images…</label>
            {/* Without a total the bar is indeterminate: a progress element given no value. */}
            <Show when={shown().total} fallback={<progress id="export-progress" />}>
              {(total) => <progress id="export-progress" max={total()} value={Math.min(shown().received, total())} />}
            </Show>
            <p class="hint" aria-live="polite">
              {label(shown())}
            </p>
            <button type="button" onClick={() => controller?.abort()}>
              Cancel download
            </button>
          </>
        )}
      </Show>
      <p class="hint" role="status">
        {status()}
      </p>
      <FormAlert error={error()} />
    </div>
  );
}
