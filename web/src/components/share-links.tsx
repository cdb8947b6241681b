import { createAsync, useAction } from "@solidjs/router";
import { FormAlert } from "./form-alert";
import { createSignal, For, Show } from "solid-js";
import type { ShareView } from "../lib/api-shapes";
import { formatDate } from "../lib/format";
import { createShareLink, getShares, revokeShareLink, type ShareKind } from "../lib/shares";
import { ConfirmDialog } from "./confirm-dialog";
import { Field } from "./field";

const hour = 3600;
const expiries = [
  ["1 hour", hour],
  ["1 day", 24 * hour],
  ["7 days", 7 * 24 * hour],
  ["30 days", 30 * 24 * hour],
] as const;

function shareState(share: ShareView): string {
  if (share.revoked) return "Revoked";
  if (Date.parse(share.expires_at) <= Date.now()) return `Expired ${formatDate(share.expires_at)}`;
  if (share.max_views !== null && share.views >= share.max_views) return "View limit reached";
  return `Expires ${formatDate(share.expires_at)}`;
}

const isOpen = (share: ShareView) => shareState(share).startsWith("Expires");

/** An image's links (`imageId`) or an album's (`albumId`). */
type ShareTarget = { imageId: string; albumId?: undefined } | { albumId: string; imageId?: undefined };

/** Links that show the image or album to anyone who has them, until they expire, run out of views or are revoked. */
export function ShareLinks(props: ShareTarget) {
  const kind = (): ShareKind => (props.albumId === undefined ? "image" : "album");
  const id = () => props.albumId ?? props.imageId ?? "";
  const shares = createAsync(() => getShares(kind(), id()));
  const create = useAction(createShareLink);
  const revoke = useAction(revokeShareLink);
  const [created, setCreated] = createSignal<ShareView>();
  const [creating, setCreating] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [copied, setCopied] = createSignal("");
  const [revoking, setRevoking] = createSignal<ShareView>();
  const [revokeError, setRevokeError] = createSignal<unknown>();
  let link!: HTMLInputElement;
  const copy = () =>
    navigator.clipboard.writeText(link.value).then(
      () => setCopied("Copied."),
      () => {
        link.select();
        setCopied("Copying failed: the link is selected, copy it with Ctrl+C (⌘C).");
      },
    );
  return (
    <section class="share" aria-labelledby="share-heading">
      <h2 id="share-heading">Share</h2>
      <form
        class="share-form"
        onSubmit={async (event) => {
          event.preventDefault();
          const values = new FormData(event.currentTarget);
          const maxViews = String(values.get("max_views"));
          setCreating(true);
          setError(undefined);
          setCopied("");
          try {
            setCreated(await create(kind(), id(), { expires_in: Number(values.get("expires_in")), max_views: maxViews ? Number(maxViews) : undefined }));
            link.focus();
          } catch (failure) {
            setError(failure);
          } finally {
            setCreating(false);
          }
        }}
      >
        <Field as="select" name="expires_in" label="Expires after">
          <For each={expiries}>
            {([label, seconds]) => (
              <option value={seconds} selected={seconds === 24 * hour}>
                {label}
              </option>
            )}
          </For>
        </Field>
        <Field
          name="max_views"
          label="View limit"
          placeholder="None"
          type="number"
          min="1"
          max="1000000"
          inputmode="numeric"
          failure={error()}
        />
        <button type="submit" class="primary" disabled={creating()}>
          Create link
        </button>
      </form>
      <FormAlert error={error()} fields={["max_views"]} />
      <Show when={created()?.url}>
        {(url) => (
          <div class="new-link">
            <label for="new-link">Share link · an open link can be copied again later from the list</label>
            <div class="copy-row">
              <input ref={link} id="new-link" readonly value={url()} onFocus={(event) => event.currentTarget.select()} />
              <button type="button" onClick={() => void copy()}>
                Copy
              </button>
            </div>
            <p class="hint" role="status">
              {copied()}
            </p>
          </div>
        )}
      </Show>
      <Show when={shares()?.length}>
        <ul class="share-list" aria-label="Share links">
          <For each={shares()}>
            {(share) => (
              <li data-open={isOpen(share)}>
                <span>
                  Created {formatDate(share.created_at)} · {shareState(share)} · {share.views}
                  {share.max_views === null ? ` view${share.views === 1 ? "" : "s"}` : ` of ${share.max_views} views`}
                </span>
                <Show when={isOpen(share) && share.url}>
                  {/* Shown in the link field first (Solid renders it at once), so a failed copy leaves it selected there. */}
                  <button
                    type="button"
                    onClick={() => {
                      setCreated(share);
                      setCopied("");
                      void copy();
                    }}
                    aria-label={`Copy the link created ${formatDate(share.created_at)}`}
                  >
                    Copy
                  </button>
                </Show>
                <Show when={isOpen(share)}>
                  <button type="button" onClick={() => setRevoking(share)} aria-label={`Revoke the link created ${formatDate(share.created_at)}`}>
                    Revoke
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <FormAlert error={revokeError()} />
      <ConfirmDialog
        open={revoking() !== undefined}
        title="Revoke this link?"
        confirmLabel="Revoke"
        onClose={() => setRevoking(undefined)}
        onConfirm={() => {
          const share = revoking();
          if (!share) return;
          setRevoking(undefined);
          setRevokeError(undefined);
          void revoke(kind(), id(), share.id).then(() => created()?.id === share.id && setCreated(undefined), setRevokeError);
        }}
      >
        <p>Anyone who opens it from now on is told the link is unavailable. This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}
