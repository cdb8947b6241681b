import { createAsync, query, revalidate } from "@solidjs/router";
import { createSignal, For, mapArray, Show } from "solid-js";
import { ConfirmDialog } from "../components/confirm-dialog";
import { FormAlert } from "../components/form-alert";
import { NoPreview } from "../components/no-preview";
import { deleteForever, emptyTrash, listTrash, restoreFromTrash } from "../lib/api-lazy";
import { getImage, getImagePage, getTimeline } from "../lib/images";
import { usePageTitle } from "../lib/page-title";

const getTrashPage = query((cursor: string) => listTrash(cursor), "trash");

type Trashed = NonNullable<Awaited<ReturnType<typeof listTrash>>["images"]>[number];

const dayMs = 24 * 60 * 60 * 1000;

function daysLeft(image: Trashed, now = Date.now()) {
  const days = Math.max(0, Math.ceil((Date.parse(image.purge_at) - now) / dayMs));
  return days === 1 ? "1 day left" : `${days} days left`;
}

/** /bin: what was deleted, until restored, deleted for good here, or purged when its days run out. */
export default function Trash() {
  usePageTitle(() => "Trash");
  const [cursors, setCursors] = createSignal([""]);
  const pages = mapArray(cursors, (cursor) => createAsync(() => getTrashPage(cursor)));
  const images = () => pages().flatMap((page) => page()?.images ?? []);
  const next = () => pages().at(-1)?.()?.next_cursor;
  const loading = () => pages().at(-1)?.() === undefined;
  const [error, setError] = createSignal<unknown>();
  const [status, setStatus] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [doomed, setDoomed] = createSignal<Trashed>();
  const [emptying, setEmptying] = createSignal(false);

  async function act(work: () => Promise<string>) {
    setError(undefined);
    setBusy(true);
    try {
      setStatus(await work());
      setCursors([""]);
      await revalidate([getTrashPage.key, getImagePage.key, getTimeline.key, getImage.key]);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }
  const restore = (image: Trashed) =>
    act(async () => {
      const outcome = await restoreFromTrash([image.id]);
      const [result] = outcome.results;
      if (result && "message" in result) throw new Error(result.message);
      return `“${image.file_name}” restored to your library.`;
    });

  return (
    <section class="trash">
      <h1>Trash</h1>
      <p class="hint">
        Deleted photos stay here for 30 days, out of your library, albums and share links, and are then deleted for good. Restore one
        to bring it back where it was; delete it forever to remove it now.
      </p>
      <FormAlert error={error()} />
      <p role="status" class="trash-status">
        {status()}
      </p>
      <Show when={images().length > 0}>
        <button type="button" class="danger" disabled={busy()} onClick={() => setEmptying(true)}>
          Empty trash
        </button>
      </Show>
      <Show when={!loading() && images().length === 0}>
        <div class="empty">
          <h2>The trash is empty</h2>
          <p>Photos you delete wait here for 30 days before they are deleted for good.</p>
        </div>
      </Show>
      <ul class="grid trash-images" aria-label="Deleted images" aria-busy={loading()}>
        <For each={images()}>
          {(image) => (
            <li class="card">
              <span class="thumb">
                <Show when={image.thumb_url} fallback={<NoPreview image={image} />}>
                  {(thumb) => <img src={thumb()} alt={image.alt_text ?? ""} width={image.width} height={image.height} loading="lazy" decoding="async" />}
                </Show>
              </span>
              <span class="card-name">{image.file_name}</span>
              <span class="trash-days">{daysLeft(image)}</span>
              <div class="card-actions">
                <button type="button" class="link" disabled={busy()} aria-label={`Restore ${image.file_name}`} onClick={() => void restore(image)}>
                  Restore
                </button>
                <button type="button" class="link danger" disabled={busy()} aria-label={`Delete ${image.file_name} forever`} onClick={() => setDoomed(image)}>
                  Delete forever
                </button>
              </div>
            </li>
          )}
        </For>
      </ul>
      <Show when={next()}>
        {(cursor) => (
          <button type="button" class="more" onClick={() => setCursors([...cursors(), cursor()])}>
            Load more
          </button>
        )}
      </Show>
      <ConfirmDialog
        open={doomed() !== undefined}
        title="Delete forever?"
        confirmLabel="Delete forever"
        pending={busy()}
        onClose={() => setDoomed(undefined)}
        onConfirm={() => {
          const image = doomed();
          setDoomed(undefined);
          if (!image) return;
          void act(async () => {
            await deleteForever(image.id);
            return `“${image.file_name}” deleted for good.`;
          });
        }}
      >
        <p>“{doomed()?.file_name}” and everything about it are deleted now. This cannot be undone.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={emptying()}
        title="Empty the trash?"
        confirmLabel="Empty trash"
        pending={busy()}
        onClose={() => setEmptying(false)}
        onConfirm={() => {
          setEmptying(false);
          void act(async () => `${(await emptyTrash()).deleted} deleted for good.`);
        }}
      >
        <p>Every photo in the trash is deleted now, for good. This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}
