import { createAsync, useAction } from "@solidjs/router";
import { FormAlert } from "./form-alert";
import { createSignal } from "solid-js";
import type { AccountSettings } from "../lib/api-shapes";
import { getSettings, saveSettings } from "../lib/settings";
import { ConfirmDialog } from "./confirm-dialog";

/**
 * The account's privacy defaults, saved as soon as a box changes. A box shows the saved
 * state: it changes once the server agrees. "Never send to AI" deletes AI text, so it asks first.
 */
export function PrivacySettings() {
  const save = useAction(saveSettings);
  const [pending, setPending] = createSignal(false);
  const [saved, setSaved] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  // Unreadable settings leave the boxes disabled, with the reason, rather than break the page.
  const settings = createAsync(() => getSettings().catch((failure: unknown) => void setError(failure)));
  const [confirming, setConfirming] = createSignal(false);
  const update = async (patch: Partial<AccountSettings>) => {
    if (pending()) return;
    setPending(true);
    setSaved("");
    setError(undefined);
    await save(patch).then(() => setSaved("Saved."), setError);
    setPending(false);
    setConfirming(false);
  };
  /** A checkbox showing the saved setting: a click asks for the change, the box follows once saved. */
  const boxProps = (name: keyof AccountSettings, onChange: (on: boolean) => void) => ({
    checked: settings()?.[name] ?? false,
    disabled: !settings(),
    onChange: (event: Event & { currentTarget: HTMLInputElement }) => {
      const on = event.currentTarget.checked;
      event.currentTarget.checked = !on;
      onChange(on);
    },
  });
  return (
    <div class="settings">
      <label class="check">
        <input type="checkbox" {...boxProps("keep_metadata", (on) => void update({ keep_metadata: on }))} />
        Keep location & camera data in new uploads
      </label>
      <label class="check">
        <input type="checkbox" {...boxProps("never_send_to_ai", (on) => (on ? setConfirming(true) : void update({ never_send_to_ai: false })))} />
        Never send my images to the AI
      </label>
      <p class="hint">Each upload can choose whether to keep its data. While “never send” is on, no image goes to the AI; turning it off later does not send the images it kept back (change those on each image’s page).</p>
      <p class="notice" role="status">
        {saved()}
      </p>
      <FormAlert error={error()} />
      <ConfirmDialog
        open={confirming()}
        title="Never send your images to the AI?"
        confirmLabel={pending() ? "Deleting…" : "Delete AI text"}
        pending={pending()}
        onClose={() => setConfirming(false)}
        onConfirm={() => void update({ never_send_to_ai: true })}
      >
        <p>Every image you have is withdrawn from the AI now, and its description, alt text, tags and extracted text are deleted.</p>
      </ConfirmDialog>
    </div>
  );
}
