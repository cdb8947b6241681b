import { createSignal, For, Show } from "solid-js";
import { formatBytes } from "../lib/format";
import { dismissUpload, isActive, type Upload } from "../lib/upload-items";
import { cancelUpload } from "../lib/upload-outcomes";
import { retryUpload } from "../lib/upload-queue";

function statusText(upload: Upload): string {
  const { state, sent, message } = upload.progress();
  if (state === "waiting") return sent > 0 ? `Waiting (${Math.round((sent / upload.size()) * 100)}% sent)` : "Waiting";
  if (state === "preparing") return "Preparing…";
  if (state === "uploading") return `Uploading ${Math.round((sent / upload.size()) * 100)}%`;
  if (state === "processing") return "Checking the image…";
  return message ?? (state === "done" ? "Uploaded" : "Upload failed");
}

/**
 * The batch file by file, inside the upload panel: preview, progress, cancel while on its way,
 * retry after a failure on the way, the server's reason for a refusal.
 */
export function UploadList(props: { uploads: Upload[]; hidden: boolean }) {
  return (
    <ul id="upload-files" class="uploads" aria-label="Uploaded files" hidden={props.hidden}>
      {/* Rows only while shown: a batch of hundreds would otherwise render them all at every step. */}
      <For each={props.hidden ? [] : props.uploads}>
        {(upload) => {
          const [unreadable, setUnreadable] = createSignal(false);
          const cancellable = () => ["waiting", "preparing", "uploading"].includes(upload.progress().state);
          return (
            <li class="upload" data-state={upload.progress().state}>
              {/* A format this browser cannot show (HEIC in most) keeps the empty box, never a broken image. */}
              <Show when={upload.previewUrl && !unreadable()} fallback={<span class="upload-thumb" />}>
                <img class="upload-thumb" loading="lazy" src={upload.previewUrl} alt="" width="40" height="40" onError={() => setUnreadable(true)} />
              </Show>
              <div class="upload-info">
                <span class="upload-name">{upload.name}</span>
                <span class="hint">{formatBytes(upload.size())}</span>
                <span class="upload-status">{statusText(upload)}</span>
                <Show when={upload.progress().state === "uploading"}>
                  <progress max="1" value={upload.progress().sent / upload.size()} aria-label={`Upload of ${upload.name}`} />
                </Show>
              </div>
              <div class="upload-actions">
                <Show when={cancellable()}>
                  <button type="button" onClick={() => cancelUpload(upload)} aria-label={`Cancel upload of ${upload.name}`}>
                    Cancel
                  </button>
                </Show>
                <Show when={upload.retryable()}>
                  <button type="button" onClick={() => retryUpload(upload)} aria-label={`Retry ${upload.name}`}>
                    Retry
                  </button>
                </Show>
                <Show when={upload.progress().image}>
                  {(image) => (
                    <a class="button" href={`/i/${image().id}`} aria-label={`View ${upload.name}`}>
                      View
                    </a>
                  )}
                </Show>
                <Show when={!isActive(upload) && !upload.progress().image}>
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
  );
}
