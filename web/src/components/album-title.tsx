import { useAction } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import type { AlbumView } from "../lib/api-shapes";
import { deleteAlbum, renameAlbum } from "../lib/albums";
import { ConfirmDialog } from "./confirm-dialog";
import { Field } from "./field";
import { FormAlert } from "./form-alert";

/** The album's name and count, with renaming in place and deletion behind a confirmation. */
export function AlbumTitle(props: { album: AlbumView }) {
  const rename = useAction(renameAlbum);
  const remove = useAction(deleteAlbum);
  const [editing, setEditing] = createSignal(false);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [confirming, setConfirming] = createSignal(false);
  const [deleteError, setDeleteError] = createSignal<unknown>();
  let renameButton!: HTMLButtonElement;
  const stopEditing = () => {
    setEditing(false);
    setError(undefined);
    queueMicrotask(() => renameButton?.focus());
  };
  const count = () => `${props.album.image_count} image${props.album.image_count === 1 ? "" : "s"}`;
  return (
    <div class="album-title">
      <Show
        when={editing()}
        fallback={
          <>
            <h1>{props.album.name}</h1>
            <p class="hint">{count()}</p>
            <div class="album-actions">
              <button type="button" ref={renameButton} onClick={() => setEditing(true)}>
                Rename
              </button>
              <button type="button" class="danger" onClick={() => setConfirming(true)}>
                Delete album…
              </button>
            </div>
          </>
        }
      >
        <h1 class="visually-hidden">{props.album.name}</h1>
        <form
          class="album-form"
          onSubmit={async (event) => {
            event.preventDefault();
            setSaving(true);
            setError(undefined);
            try {
              await rename(props.album.id, String(new FormData(event.currentTarget).get("name")));
              stopEditing();
            } catch (failure) {
              setError(failure);
            } finally {
              setSaving(false);
            }
          }}
          onKeyDown={(event) => event.key === "Escape" && stopEditing()}
        >
          <Field ref={(input: HTMLInputElement) => queueMicrotask(() => input.select())} name="name" label="Album name" value={props.album.name} required maxLength={100} failure={error()} />
          <button type="submit" class="primary" disabled={saving()}>
            Save
          </button>
          <button type="button" onClick={stopEditing}>
            Cancel
          </button>
        </form>
        <FormAlert error={error()} fields={["name"]} />
      </Show>
      <FormAlert error={deleteError()} />
      <ConfirmDialog
        open={confirming()}
        title={`Delete “${props.album.name}”?`}
        confirmLabel="Delete album"
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          setDeleteError(undefined);
          void remove(props.album.id).catch(setDeleteError);
        }}
      >
        <p>The album and its share links go; its {count()} stay in your gallery.</p>
      </ConfirmDialog>
    </div>
  );
}
