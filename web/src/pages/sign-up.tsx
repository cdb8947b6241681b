import { action, Navigate, reload, useSearchParams, useSubmission } from "@solidjs/router";
import { FormAlert } from "../components/form-alert";
import { Show } from "solid-js";
import { Field } from "../components/field";
import { signUp } from "../lib/api";
import { safeNext } from "../lib/next-path";
import { usePageTitle } from "../lib/page-title";
import { noQueries } from "../lib/no-queries";
import { currentUser } from "../lib/session";

const signUpAction = action(async (form: FormData) => {
  await signUp(String(form.get("username")), String(form.get("email")), String(form.get("password")));
  // The pages it opens load their own data as they mount; revalidating every query after would ask for each twice.
  return reload({ revalidate: noQueries });
}, "signUp");

const fields = ["username", "email", "password"];

export function SignUp() {
  const [params] = useSearchParams<{ next?: string }>();
  const submission = useSubmission(signUpAction);
  usePageTitle(() => "Create an account");
  return (
    <Show when={currentUser() === null} fallback={<Show when={currentUser()}><Navigate href={safeNext(params.next)} /></Show>}>
      <section class="auth-card">
        <h1>Create an account</h1>
        <form action={signUpAction} method="post" class="stack">
          <Field
            name="username"
            label="Username"
            autocomplete="username"
            required
            minLength={3}
            maxLength={32}
            hint="3–32 letters, digits, _ . or -"
            failure={submission.error}
          />
          <Field name="email" label="Email" type="email" autocomplete="email" required failure={submission.error} />
          <Field
            name="password"
            label="Password"
            type="password"
            autocomplete="new-password"
            required
            minLength={8}
            hint="At least 8 characters; not a common password"
            failure={submission.error}
          />
          <FormAlert error={submission.error} fields={fields} />
          <button type="submit" class="primary" disabled={submission.pending}>
            {submission.pending ? "Creating…" : "Create account"}
          </button>
        </form>
        <p>
          Already have an account? <a href="/login">Sign in</a>
        </p>
      </section>
    </Show>
  );
}
