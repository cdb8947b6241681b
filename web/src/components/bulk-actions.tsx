import { revalidate } from "@solidjs/router";
import { createSignal, Show, type Accessor } from "solid-js";
import { ApiError, downloadImages, runBulk } from "../lib/api";
import type { BulkInput, ImageView } from "../lib/api-shapes";
import { getImage, getImagePage, getTimeline } from "../lib/images";
import { forget } from "../lib/live-images";
import { clearSelection, keepSelected, selectedIds } from "../lib/selection";
import { saveBlob } from "../lib/save-blob";
import { offerUndo } from "./undo-bar";
import { forgetUpload } from "../lib/uploads";
import { AlbumPicker } from "./album-picker";
import { ConfirmDialog } from "./confirm-dialog";

/** One bulk action without its ids (Omit over each member of the union). */
type BulkAction = BulkInput extends infer Input ? (Input extends unknown ? Omit<Input, "ids"> : never) : never;

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? "" : "s"}`;

function doneWord(action: BulkAction, albumName: string): string {
  if (action.action === "delete") return "moved to the trash";
  if (action.action === "set_no_ai") return action.no_ai ? "kept from the AI" : "allowed to go to the AI";
  return `added to “${albumName}”`;
}

/**
 * The selection bar: how many are selected and what can be done to all of them, each one API
 * call. The outcome is told per image; the ones that failed stay selected for another try.
 */
export default function BulkActions(props: { images: Accessor<ImageView[]> }) {
  const [busy, setBusy] = createSignal(false);
  const [summary, setSummary] = createSignal("");
  const [confirming, setConfirming] = createSignal(false);
  const [picking, setPicking] = createSignal(false);
  const count = () => selectedIds().size;
  const nameOf = (id: string) => props.images().find((image) => image.id === id)?.file_name ?? id;

  async function run(action: BulkAction, albumName = "") {
    const ids = [...selectedIds()];
    // Named now: by the time the answer comes, the list may no longer hold what it moved to the trash.
    const names = new Map(ids.map((id) => [id, nameOf(id)]));
    setBusy(true);
    setSummary("");
    try {
      const outcome = await runBulk({ ...action, ids } as BulkInput);
      const failed = outcome.results.filter((result) => result.status === "failed");
      if (action.action === "delete") {
        const trashed = outcome.results.filter((each) => each.status === "ok").map((each) => each.id);
        for (const id of trashed) {
          forget(id);
          forgetUpload(id);
        }
        if (trashed.length) offerUndo({ ids: trashed, what: trashed.length === 1 ? `“${names.get(trashed[0]) ?? nameOf(trashed[0])}”` : plural(trashed.length, "image") });
      }
      const why = failed.map((result) => `${nameOf(result.id)} (${"message" in result ? result.message : "failed"})`).join(", ");
      setSummary(`${plural(outcome.summary.succeeded, "image")} ${doneWord(action, albumName)}${failed.length ? `, ${failed.length} failed: ${why}` : "."}`);
      keepSelected(failed.map((result) => result.id));
      await revalidate([getImagePage.key, getTimeline.key, getImage.key]);
    } catch (error) {
      setSummary(`Nothing was changed: ${error instanceof ApiError ? error.message : "the request failed"}`);
    } finally {
      setBusy(false);
    }
  }

  async function download() {
    setBusy(true);
    setSummary("");
    try {
      const { name, blob } = await downloadImages([...selectedIds()]);
      saveBlob(name, blob);
      setSummary(`${plural(count(), "image")} downloaded as ${name}.`);
    } catch (error) {
      setSummary(`The download failed: ${error instanceof ApiError ? error.message : "the request failed"}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Show when={count() > 0 || summary()}>
      <section class="selection-bar" aria-label="Selection">
        <p class="selection-summary" role="status">
          {summary()}
        </p>
        <Show when={count() > 0}>
          <div class="selection-actions">
            <strong class="selection-count">{count()} selected</strong>
            <button type="button" disabled={busy()} onClick={() => void download()}>
              Download
            </button>
            <button type="button" disabled={busy()} onClick={() => setPicking(true)}>
              Add to album
            </button>
            <button type="button" disabled={busy()} onClick={() => void run({ action: "set_no_ai", no_ai: true })}>
              Never send to AI
            </button>
            <button type="button" disabled={busy()} onClick={() => void run({ action: "set_no_ai", no_ai: false })}>
              Allow AI
            </button>
            <button type="button" class="danger" disabled={busy()} onClick={() => setConfirming(true)}>
              Delete
            </button>
            <button type="button" class="link" onClick={clearSelection}>
              Clear selection
            </button>
          </div>
        </Show>
        <Show when={!count() && summary()}>
          <button type="button" class="link" onClick={() => setSummary("")}>
            Dismiss
          </button>
        </Show>
      </section>
      <ConfirmDialog
        open={confirming()}
        title={`Move ${plural(count(), "image")} to the trash?`}
        confirmLabel="Move to trash"
        pending={busy()}
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void run({ action: "delete" });
        }}
      >
        <p>They leave your library, albums and share links now. You can restore them from the trash for 30 days; then they are deleted for good.</p>
      </ConfirmDialog>
      <AlbumPicker
        open={picking()}
        onClose={() => setPicking(false)}
        onPick={(album) => {
          setPicking(false);
          void run({ action: "add_to_album", album_id: album.id }, album.name);
        }}
      />
    </Show>
  );
}
