import { action, useAction, useSubmission } from "@solidjs/router";
import { FormAlert } from "../components/form-alert";
import { createEffect, createSignal, lazy, on, Show } from "solid-js";
import { ConfirmDialog } from "../components/confirm-dialog";
import { saveBlob } from "../lib/save-blob";
import { Field } from "../components/field";
import { PrivacySettings } from "../components/privacy-settings";
import { changePassword, deleteAccount, exportAccount } from "../lib/api";
import { usePageTitle } from "../lib/page-title";
import { currentUser } from "../lib/session";

// Its streaming and progress load only with the account page's use of it, keeping the first load within budget.
const ExportZip = lazy(() => import("../components/export-zip"));

const changePasswordAction = action(async (form: FormData) => {
  await changePassword(String(form.get("current_password")), String(form.get("new_password")));
  return "Password changed. Other devices were signed out.";
}, "changePassword");

const exportAction = action(async () => {
  const { name, blob } = await exportAccount();
  saveBlob(name, blob);
}, "exportAccount");

const deleteAccountAction = action((password: string) => deleteAccount(password), "deleteAccount");

export function Account() {
  usePageTitle(() => "Account");
  const change = useSubmission(changePasswordAction);
  const removal = useSubmission(deleteAccountAction);
  const removeAccount = useAction(deleteAccountAction);
  const download = useAction(exportAction);
  const exporting = useSubmission(exportAction);
  const [confirming, setConfirming] = createSignal(false);
  const close = () => setConfirming(false);
  let changeForm!: HTMLFormElement;
  let password!: HTMLInputElement;
  createEffect(on(() => change.result, (done) => done && changeForm.reset()));
  return (
    <section class="account">
      <h1>Account</h1>
      <p>
        Signed in as <strong>{currentUser()?.username}</strong> ({currentUser()?.email})
      </p>

      <div class="account-cards">
        <section class="account-card" aria-labelledby="privacy-heading">
          <h2 id="privacy-heading">Privacy</h2>
          <PrivacySettings />
          <p class="hint">
            Deleting a photo moves it to the <a href="/bin">trash</a>, where only you see it: out of your library, albums and share
            links at once, restorable for 30 days, then deleted for good. To delete it for good now, use “Delete forever” or “Empty
            trash” there.
          </p>
        </section>

        <section class="account-card" aria-labelledby="data-heading">
          <h2 id="data-heading">Your data</h2>
          <div class="settings">
            <p>
              Download everything stored about you and your images as one JSON file (its image links work for 15 minutes). Photos in the
              trash are not included: restore them first.
            </p>
            <button type="button" disabled={exporting.pending} onClick={() => void download().catch(() => undefined)}>
              {exporting.pending ? "Preparing…" : "Download my data"}
            </button>
            <FormAlert error={exporting.error} />
            <p>Or the same data with every original file, as one ZIP.</p>
            <ExportZip />
          </div>
        </section>

        <section class="account-card" aria-labelledby="password-heading">
          <h2 id="password-heading">Change password</h2>
          <form
            ref={changeForm}
            action={changePasswordAction}
            method="post"
            class="stack"
          >
            <Field
              name="current_password"
              label="Current password"
              type="password"
              autocomplete="current-password"
              required
              failure={change.error}
            />
            <Field
              name="new_password"
              label="New password"
              type="password"
              autocomplete="new-password"
              required
              minLength={8}
              failure={change.error}
            />
            <FormAlert error={change.error} fields={["current_password", "new_password"]} />
            <Show when={!change.pending && change.result}>
              {(message) => (
                <p class="notice" role="status">
                  {message()}
                </p>
              )}
            </Show>
            <button type="submit" class="primary" disabled={change.pending}>
              Change password
            </button>
          </form>
        </section>

        <section class="account-card" aria-labelledby="delete-heading">
          <h2 id="delete-heading">Delete account</h2>
          <form
            class="stack"
            onSubmit={(event) => {
              event.preventDefault();
              setConfirming(true);
            }}
          >
            <p>Your account and every image in it, those in the trash too, are deleted for good.</p>
            <Field
              ref={password}
              name="password"
              label="Password"
              type="password"
              autocomplete="current-password"
              required
              failure={removal.error}
            />
            <FormAlert error={removal.error} fields={["password"]} />
            <button type="submit" class="danger">
              Delete account…
            </button>
          </form>
        </section>
      </div>
      <ConfirmDialog
        open={confirming()}
        title="Delete your account?"
        confirmLabel={removal.pending ? "Deleting…" : "Delete account"}
        pending={removal.pending}
        onClose={close}
        onConfirm={() => removeAccount(password.value).then(close, close)}
      >
        <p>This deletes {currentUser()?.username} and all of its images. It cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}
