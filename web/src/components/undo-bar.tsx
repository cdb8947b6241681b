import { revalidate } from "@solidjs/router";
import { createEffect, createSignal, on, onCleanup, Show } from "solid-js";
import { render } from "solid-js/web";
import { ApiError } from "../lib/api";
import { restoreFromTrash } from "../lib/api-lazy";
import { getImage, getImagePage, getTimeline } from "../lib/images";

/** What the last delete moved to the trash. */
export interface Trashed {
  ids: string[];
  /** How the bar names them: “a.png”, or “3 images”. */
  what: string;
}

const [lastTrashed, announceTrashed] = createSignal<Trashed>();
let mounted = false;

/**
 * Offers to undo a delete. The deleting code loads this module with its first delete and calls
 * this; the bar mounts itself once, outside the page (so it outlives the page the delete left).
 */
export function offerUndo(trashed: Trashed) {
  announceTrashed(trashed);
  if (mounted) return;
  mounted = true;
  const host = document.createElement("div");
  document.body.append(host);
  render(() => <Show when={lastTrashed()}>{<UndoBar />}</Show>, host);
}

/** Long enough to read and reach; a pointer or focus inside keeps it until it leaves. */
const shownMs = 12_000;

/** After a delete: what went to the trash, and "Undo", which brings it back from there. */
function UndoBar() {
  const [message, setMessage] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hideLater = () => {
    clearTimeout(timer);
    timer = setTimeout(() => announceTrashed(undefined), shownMs);
  };
  createEffect(
    on(lastTrashed, (trashed) => {
      if (!trashed) return;
      setMessage(`${trashed.what} moved to the trash.`);
      hideLater();
    }),
  );
  onCleanup(() => clearTimeout(timer));

  async function undo() {
    const trashed = lastTrashed();
    if (!trashed) return;
    clearTimeout(timer);
    setBusy(true);
    try {
      const outcome = await restoreFromTrash(trashed.ids);
      const failed = outcome.results.filter((result) => result.status === "failed");
      setMessage(failed.length ? `${outcome.summary.succeeded} restored; ${failed.length} could not be: ${"message" in failed[0] ? failed[0].message : ""}` : `${trashed.what} restored.`);
      await revalidate([getImagePage.key, getTimeline.key, getImage.key]);
    } catch (error) {
      setMessage(`Nothing was restored: ${error instanceof ApiError ? error.message : "the request failed"}. It is still in the trash.`);
    } finally {
      setBusy(false);
      hideLater();
    }
  }

  return (
    <section class="undo-bar" aria-label="Undo" onPointerEnter={() => clearTimeout(timer)} onPointerLeave={hideLater} onFocusIn={() => clearTimeout(timer)}>
      <p role="status">{message()}</p>
      <button type="button" class="link" disabled={busy() || !message().endsWith("moved to the trash.")} onClick={() => void undo()}>
        Undo
      </button>
      <a href="/bin" class="link" onClick={() => announceTrashed(undefined)}>
        Open trash
      </a>
      <button type="button" class="link" aria-label="Dismiss" onClick={() => announceTrashed(undefined)}>
        ✕
      </button>
    </section>
  );
}
