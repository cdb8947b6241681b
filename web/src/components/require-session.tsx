import { Navigate, useLocation } from "@solidjs/router";
import { createEffect, lazy, Match, Show, Switch, type ParentProps } from "solid-js";
import { currentUser, sessionEnd } from "../lib/session";
import { currentUploads, resumeUploads } from "../lib/uploads";

// The upload panel (and the queue behind it) loads once there is an upload to show.
const UploadPanel = lazy(() => import("./upload-panel"));

/**
 * Pages behind sign-in; without a session, to /login and (unless the user signed out) back here after.
 * A batch left by a reload or a closed tab carries on once signed in, its panel over any of these pages.
 */
export function RequireSession(props: ParentProps) {
  const location = useLocation();
  const signIn = () =>
    sessionEnd() === "signed_out" ? "/login" : `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
  createEffect(() => currentUser() && resumeUploads());
  return (
    <Switch fallback={<p class="loading">Loading…</p>}>
      <Match when={currentUser()}>
        {props.children}
        <Show when={currentUploads().length > 0}>
          <UploadPanel />
        </Show>
      </Match>
      <Match when={currentUser() === null}>
        <Navigate href={signIn()} />
      </Match>
    </Switch>
  );
}
