import { createAsync } from "@solidjs/router";
import { createSignal, onCleanup, onMount } from "solid-js";
import type { UploadOptions } from "../lib/api";
import { formatBytes } from "../lib/format";
import { getSettings } from "../lib/settings";
import { acceptedTypes, maxUploadBytes, uploadInputId } from "../lib/uploads";

/** The queue loads with the first file: a visit that uploads nothing never downloads it. */
const addFiles = (files: File[], options: UploadOptions) => void import("../lib/upload-queue").then((queue) => queue.addFiles(files, options));

// A drop that misses the zone must not make the browser navigate away to the file.
const keepOnPage = (event: DragEvent) => event.preventDefault();

/**
 * File picker (a real, focusable <input type=file>) and a drop zone around it, with the
 * privacy choices for the next uploads; they start as the account's defaults.
 */
export function Uploader() {
  const [dragging, setDragging] = createSignal(false);
  // No settings (a failed request) leaves the choice to the server: the account's defaults.
  const settings = createAsync(() => getSettings().catch(() => undefined));
  const [keepChoice, setKeepChoice] = createSignal<boolean>();
  const [noAiChoice, setNoAiChoice] = createSignal<boolean>();
  const alwaysNoAi = () => settings()?.never_send_to_ai === true;
  const options = (): UploadOptions => ({
    keep_metadata: keepChoice() ?? settings()?.keep_metadata,
    no_ai: alwaysNoAi() || (noAiChoice() ?? settings()?.never_send_to_ai),
  });
  onMount(() => {
    window.addEventListener("dragover", keepOnPage);
    window.addEventListener("drop", keepOnPage);
  });
  onCleanup(() => {
    window.removeEventListener("dragover", keepOnPage);
    window.removeEventListener("drop", keepOnPage);
  });
  return (
    <section
      class="uploader"
      classList={{ dragging: dragging() }}
      aria-label="Upload images"
      onDragOver={(event) => {
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        if (event.dataTransfer?.files.length) addFiles([...event.dataTransfer.files], options());
      }}
    >
      <input
        id={uploadInputId}
        type="file"
        multiple
        class="visually-hidden file-input"
        accept={[...acceptedTypes, ".heic", ".heif"].join(",")}
        onChange={(event) => {
          const input = event.currentTarget;
          addFiles([...(input.files ?? [])], options());
          input.value = "";
        }}
      />
      <label for={uploadInputId} class="button primary">
        Upload images
      </label>
      <p class="hint">
        or drop them here · JPEG, PNG, WebP, GIF, AVIF or HEIC, up to {formatBytes(maxUploadBytes)} each
      </p>
      <div class="checks">
        <label class="check">
          <input type="checkbox" checked={options().keep_metadata ?? false} onChange={(event) => setKeepChoice(event.currentTarget.checked)} />
          Keep location & camera data
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={options().no_ai ?? false}
            disabled={alwaysNoAi()}
            onChange={(event) => setNoAiChoice(event.currentTarget.checked)}
          />
          Don't send to AI{alwaysNoAi() ? " (set for your account)" : ""}
        </label>
      </div>
    </section>
  );
}
