import { createAsync, useAction } from "@solidjs/router";
import { FormAlert } from "./form-alert";
import { createSignal, createUniqueId, Show } from "solid-js";
import type { ImageView } from "../lib/api-shapes";
import { editImage } from "../lib/images";
import { getSettings } from "../lib/settings";
import { ConfirmDialog } from "./confirm-dialog";

/**
 * "Never send to AI" for one image. Turning it on deletes the AI's text, so it asks first.
 * While the account's own "never send" is on, the switch is locked on: the account wins.
 */
export function NoAiSwitch(props: { image: ImageView }) {
  const edit = useAction(editImage);
  // Unreadable settings leave the switch to the server, which refuses with the reason if the account wins.
  const settings = createAsync(() => getSettings().catch(() => undefined));
  const lockedByAccount = () => settings()?.never_send_to_ai === true;
  const reasonId = createUniqueId();
  const [confirming, setConfirming] = createSignal(false);
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const save = async (noAi: boolean) => {
    if (pending()) return;
    setPending(true);
    setError(undefined);
    await edit(props.image.id, { no_ai: noAi }).catch(setError);
    setPending(false);
    setConfirming(false);
  };
  return (
    <>
      <label class="check">
        <input
          type="checkbox"
          role="switch"
          aria-checked={props.image.no_ai}
          checked={props.image.no_ai}
          disabled={lockedByAccount()}
          aria-describedby={lockedByAccount() ? reasonId : undefined}
          onChange={(event) => {
            // The box shows the saved state; it changes once the server agrees.
            event.currentTarget.checked = props.image.no_ai;
            if (props.image.no_ai) void save(false);
            else setConfirming(true);
          }}
        />
        Never send to AI
      </label>
      <Show when={lockedByAccount()}>
        <p class="hint" id={reasonId}>
          Locked on: your account is set to never send images to the AI. <a href="/account">Change it in your account settings.</a>
        </p>
      </Show>
      <FormAlert error={error()} />
      <ConfirmDialog
        open={confirming()}
        title="Never send this image to the AI?"
        confirmLabel={pending() ? "Deleting…" : "Delete AI text"}
        pending={pending()}
        onClose={() => setConfirming(false)}
        onConfirm={() => void save(true)}
      >
        <p>Its description, alt text, tags and the text found in it are deleted now, and it is never analysed again.</p>
      </ConfirmDialog>
    </>
  );
}
