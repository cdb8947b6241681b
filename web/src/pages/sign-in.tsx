import { action, Navigate, reload, useSearchParams, useSubmission } from "@solidjs/router";
import { FormAlert } from "../components/form-alert";
import { Show } from "solid-js";
import { Field } from "../components/field";
import { signIn } from "../lib/api";
import { safeNext } from "../lib/next-path";
import { usePageTitle } from "../lib/page-title";
import { noQueries } from "../lib/no-queries";
import { currentUser, sessionEnd } from "../lib/session";

const signInAction = action(async (form: FormData) => {
  await signIn(String(form.get("email")), String(form.get("password")));
  // The pages it opens load their own data as they mount; revalidating every query after would ask for each twice.
  return reload({ revalidate: noQueries });
}, "signIn");

export function SignIn() {
  const [params] = useSearchParams<{ next?: string }>();
  const submission = useSubmission(signInAction);
  usePageTitle(() => "Sign in");
  const signUpHref = () => (params.next ? `/signup?next=${encodeURIComponent(params.next)}` : "/signup");
  return (
    <Show when={currentUser() === null} fallback={<Show when={currentUser()}><Navigate href={safeNext(params.next)} /></Show>}>
      <section class="auth-card">
        <h1>Sign in</h1>
        <Show when={sessionEnd() === "expired"}>
          <p class="notice" role="status">
            Your session has ended. Sign in again to continue.
          </p>
        </Show>
        <form action={signInAction} method="post" class="stack">
          <Field name="email" label="Email" type="email" autocomplete="email" required failure={submission.error} />
          <Field
            name="password"
            label="Password"
            type="password"
            autocomplete="current-password"
            required
            failure={submission.error}
          />
          <FormAlert error={submission.error} fields={["email", "password"]} />
          <button type="submit" class="primary" disabled={submission.pending}>
            {submission.pending ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <p>
          New here? <a href={signUpHref()}>Create an account</a>
        </p>
      </section>
    </Show>
  );
}
