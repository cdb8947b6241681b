import { Navigate, useLocation } from "@solidjs/router";
import { Match, Switch, type ParentProps } from "solid-js";
import { currentUser, sessionEnd } from "../lib/session";

/** Pages behind sign-in; without a session, to /login and (unless the user signed out) back here after. */
export function RequireSession(props: ParentProps) {
  const location = useLocation();
  const signIn = () =>
    sessionEnd() === "signed_out" ? "/login" : `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
  return (
    <Switch fallback={<p class="loading">Loading…</p>}>
      <Match when={currentUser()}>{props.children}</Match>
      <Match when={currentUser() === null}>
        <Navigate href={signIn()} />
      </Match>
    </Switch>
  );
}
