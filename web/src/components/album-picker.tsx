import { createEffect, createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { ApiError } from "../lib/api";
import { createAlbum, listAlbums } from "../lib/api-lazy";

interface PickedAlbum {
  id: string;
  name: string;
}

/**
 * Chooses the album a selection goes to: one of the user's, or a new one by name (created
 * first, then used). A native modal <dialog>: focus stays inside, Escape closes it.
 */
export function AlbumPicker(props: { open: boolean; onClose: () => void; onPick: (album: PickedAlbum) => void }) {
  let dialog!: HTMLDialogElement;
  const id = createUniqueId();
  const [albums] = createResource(
    () => props.open || undefined,
    async () => (await listAlbums()).albums,
  );
  const [error, setError] = createSignal("");
  const [creating, setCreating] = createSignal(false);
  createEffect(() => {
    if (props.open && !dialog.open) {
      setError("");
      dialog.showModal();
    }
    if (!props.open && dialog.open) dialog.close();
  });

  async function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const newName = String(data.get("new-album") ?? "").trim();
    const chosen = albums()?.find((album) => album.id === data.get("album"));
    if (newName) {
      setCreating(true);
      try {
        const album = await createAlbum(newName);
        props.onPick({ id: album.id, name: album.name });
        form.reset();
      } catch (failure) {
        setError(failure instanceof ApiError ? failure.message : "The album could not be created");
      } finally {
        setCreating(false);
      }
    } else if (chosen) props.onPick({ id: chosen.id, name: chosen.name });
    else setError("Choose an album or name a new one");
  }

  return (
    <dialog ref={dialog} class="dialog album-picker" aria-labelledby={id} onClose={() => props.onClose()}>
      <form
        method="dialog"
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(event.currentTarget);
        }}
      >
        <h2 id={id}>Add to album</h2>
        <Show when={!albums.loading} fallback={<p class="loading">Loading albums…</p>}>
          <Show when={albums()?.length} fallback={<p class="hint">No albums yet: name the first one below.</p>}>
            <fieldset class="album-choices">
              <legend>Your albums</legend>
              <For each={albums()}>
                {(album) => (
                  <label class="check">
                    <input type="radio" name="album" value={album.id} />
                    {album.name}
                  </label>
                )}
              </For>
            </fieldset>
          </Show>
        </Show>
        <Show when={albums.error}>
          <p class="form-error">The albums could not be loaded.</p>
        </Show>
        <label class="field">
          <span>New album</span>
          <input type="text" name="new-album" maxLength={200} autocomplete="off" />
        </label>
        <Show when={error()}>
          <p class="form-error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="actions">
          <button type="button" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={creating()}>
            Add
          </button>
        </div>
      </form>
    </dialog>
  );
}
