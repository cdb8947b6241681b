import { For, Match, Show, Switch } from "solid-js";
import { formatBytes } from "../lib/format";
import { cancelUpload, currentUploads, dismissUpload, type Upload } from "../lib/uploads";

const isActive = (upload: Upload) => ["waiting", "uploading", "processing"].includes(upload.state);

function statusText(upload: Upload): string {
  switch (upload.state) {
    case "waiting":
      return "Waiting";
    case "uploading":
      return `Uploading ${Math.round(upload.progress * 100)}%`;
    case "processing":
      return "Checking the image…";
    case "done":
      return upload.message ?? "Uploaded";
    default:
      return upload.message ?? "Upload failed";
  }
}

/** One row per file: preview, real progress, cancel while running, the server's message when it fails. */
export function UploadList() {
  return (
    <Show when={currentUploads.length > 0}>
      <ul class="uploads" aria-label="Uploads">
        <For each={currentUploads}>
          {(upload) => (
            <li class="upload" data-state={upload.state}>
              <Show when={upload.previewUrl} fallback={<span class="upload-thumb" />}>
                <img class="upload-thumb" src={upload.previewUrl} alt="" width="48" height="48" />
              </Show>
              <div class="upload-info">
                <span class="upload-name">{upload.name}</span>
                <span class="hint">{formatBytes(upload.size)}</span>
                <Show when={isActive(upload)}>
                  <progress max="1" value={upload.progress} aria-label={`Upload of ${upload.name}`} />
                </Show>
                <span class="upload-status" role={upload.state === "failed" ? "alert" : "status"}>
                  {statusText(upload)}
                </span>
              </div>
              <Switch>
                <Match when={isActive(upload)}>
                  <button type="button" onClick={() => cancelUpload(upload.key)} aria-label={`Cancel upload of ${upload.name}`}>
                    Cancel
                  </button>
                </Match>
                <Match when={!isActive(upload)}>
                  <Show when={upload.image}>
                    {(image) => (
                      <a class="button" href={`/i/${image().id}`} aria-label={`View ${upload.name}`}>
                        View
                      </a>
                    )}
                  </Show>
                  <button type="button" onClick={() => dismissUpload(upload.key)} aria-label={`Dismiss ${upload.name}`}>
                    Dismiss
                  </button>
                </Match>
              </Switch>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
