import { createSignal, onCleanup, onMount } from "solid-js";
import { formatBytes } from "../lib/format";
import { acceptedTypes, addFiles, maxUploadBytes, uploadInputId } from "../lib/uploads";

// A drop that misses the zone must not make the browser navigate away to the file.
const keepOnPage = (event: DragEvent) => event.preventDefault();

/** File picker (a real, focusable <input type=file>) and a drop zone around it. */
export function Uploader() {
  const [dragging, setDragging] = createSignal(false);
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
        if (event.dataTransfer?.files.length) addFiles([...event.dataTransfer.files]);
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
          addFiles([...(input.files ?? [])]);
          input.value = "";
        }}
      />
      <label for={uploadInputId} class="button primary">
        Upload images
      </label>
      <p class="hint">
        or drop them here · JPEG, PNG, WebP, GIF, AVIF or HEIC, up to {formatBytes(maxUploadBytes)} each
      </p>
    </section>
  );
}
