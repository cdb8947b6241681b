import { createSignal, For, Show } from "solid-js";
import { formatBytes } from "../lib/format";
import { cancelUpload, clearFinished, dismissUpload, isActive, isFinished, type Upload } from "../lib/upload-queue";
import { currentUploads } from "../lib/uploads";

function statusText(upload: Upload): string {
  const { state, sent, message } = upload.progress();
  if (state === "waiting") return "Waiting";
  if (state === "uploading") return `Uploading ${Math.round(sent * 100)}%`;
  if (state === "processing") return "Checking the image…";
  return message ?? (state === "done" ? "Uploaded" : "Upload failed");
}

/**
 * One row per file: preview, real progress, cancel while running, the server's message when it
 * fails. Finished rows clear themselves after a while, or all at once with "Clear finished".
 */
export function UploadList() {
  return (
    <Show when={currentUploads().length > 0}>
      <Show when={currentUploads().some(isFinished)}>
        <button type="button" class="link clear-finished" onClick={clearFinished}>
          Clear finished
        </button>
      </Show>
      <ul class="uploads" aria-label="Uploads">
        <For each={currentUploads()}>
          {(upload) => {
            const active = () => isActive(upload.progress());
            const [unreadable, setUnreadable] = createSignal(false);
            return (
              <li class="upload" data-state={upload.progress().state}>
                {/* A format this browser cannot show (HEIC in most) keeps the empty box, never a broken image. */}
                <Show when={upload.previewUrl && !unreadable()} fallback={<span class="upload-thumb" />}>
                  <img class="upload-thumb" src={upload.previewUrl} alt="" width="48" height="48" onError={() => setUnreadable(true)} />
                </Show>
                <div class="upload-info">
                  <span class="upload-name">{upload.name}</span>
                  <span class="hint">{formatBytes(upload.size)}</span>
                  <Show when={active()}>
                    <progress max="1" value={upload.progress().sent} aria-label={`Upload of ${upload.name}`} />
                  </Show>
                  <span class="upload-status" role="status">
                    {statusText(upload)}
                  </span>
                </div>
                <div class="upload-actions">
                  <Show
                    when={!active()}
                    fallback={
                      <button type="button" onClick={() => cancelUpload(upload)} aria-label={`Cancel upload of ${upload.name}`}>
                        Cancel
                      </button>
                    }
                  >
                    <Show when={upload.progress().image}>
                      {(image) => (
                        <a class="button" href={`/i/${image().id}`} aria-label={`View ${upload.name}`}>
                          View
                        </a>
                      )}
                    </Show>
                    <button type="button" onClick={() => dismissUpload(upload)} aria-label={`Dismiss ${upload.name}`}>
                      Dismiss
                    </button>
                  </Show>
                </div>
              </li>
            );
          }}
        </For>
      </ul>
    </Show>
  );
}
