import { createSignal } from "solid-js";
import type { PublicUser, SessionBody } from "./api-shapes";

export type SessionEnd = "none" | "expired" | "signed_out";

// The access token lives in memory only; the HttpOnly refresh cookie brings it back after a reload.
let accessToken: string | undefined;
/** undefined while the session is being restored on load, null when signed out. */
const [user, setUser] = createSignal<PublicUser | null | undefined>(undefined);
/** Why there is no session: after "signed_out" sign-in starts afresh, otherwise it returns (?next=). */
const [ended, setEnded] = createSignal<SessionEnd>("none");

export const currentUser = user;
export const sessionEnd = ended;

export const bearerToken = () => accessToken;

export function startSession(session: Pick<SessionBody, "access_token" | "expires_in" | "user">) {
  accessToken = session.access_token;
  setEnded("none");
  setUser(session.user);
}

export function endSession(reason: SessionEnd) {
  accessToken = undefined;
  setEnded(reason);
  setUser(null);
}
