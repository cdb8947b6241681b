import { describe, expect, it } from "vitest";
import { app, bearer, json, newSignedInUser, signIn } from "../helpers";
import { asIfRotatedLongAgo } from "../session-helpers";

const me = async (accessToken: string) => (await app("/auth/me", { headers: bearer(accessToken) })).status;
const refresh = (refreshToken: string) => app("/auth/refresh", json({ refresh_token: refreshToken }));

/** Access tokens name their session (`sid`) and die with it, not 15 minutes later. */
describe("ending a session ends its access tokens at once", () => {
  it("logout: the session's access tokens are refused; another session's still work", async () => {
    const phone = await newSignedInUser();
    const laptop = await signIn(phone.user);
    const res = await app("/auth/logout", { method: "POST", headers: { cookie: `refresh_token=${phone.refreshToken}` } });
    expect(res.status).toBe(204);
    expect(await me(phone.accessToken)).toBe(401);
    expect(await me(laptop.accessToken)).toBe(200);
  });

  it("logout with a spent refresh token of the session still ends the whole session", async () => {
    const { refreshToken: first } = await newSignedInUser();
    const rotated = await (await refresh(first)).json<{ access_token: string; refresh_token: string }>();
    await app("/auth/logout", json({ refresh_token: first }));
    expect(await me(rotated.access_token)).toBe(401);
    expect((await refresh(rotated.refresh_token)).status).toBe(401);
  });

  it("refresh-token reuse: every access token of the family is refused, the thief's and the owner's", async () => {
    const owner = await newSignedInUser();
    const other = await signIn(owner.user);
    const rotated = await (await refresh(owner.refreshToken)).json<{ access_token: string }>();
    expect(await me(rotated.access_token)).toBe(200);
    await asIfRotatedLongAgo(owner.refreshToken);
    expect((await refresh(owner.refreshToken)).status).toBe(401); // the replay, after the grace window
    expect(await me(owner.accessToken)).toBe(401);
    expect(await me(rotated.access_token)).toBe(401);
    expect(await me(other.accessToken)).toBe(200);
  });

  it("password change: other sessions' access tokens are refused, the new session's works", async () => {
    const { user, accessToken } = await newSignedInUser();
    const other = await signIn(user);
    const res = await app("/auth/password", json({ current_password: user.password, new_password: "a renewed passphrase" }, { headers: bearer(accessToken) }));
    expect(res.status).toBe(200);
    const fresh = await res.json<{ access_token: string; refresh_token: string }>();
    expect(await me(accessToken)).toBe(401);
    expect(await me(other.accessToken)).toBe(401);
    expect(await me(fresh.access_token)).toBe(200);
    expect((await refresh(fresh.refresh_token)).status).toBe(200);
  });

  it("account deletion: every session's access tokens are refused", async () => {
    const { user, accessToken } = await newSignedInUser();
    const other = await signIn(user);
    expect((await app("/auth/me", json({ password: user.password }, { method: "DELETE", headers: bearer(accessToken) }))).status).toBe(204);
    expect(await me(accessToken)).toBe(401);
    expect(await me(other.accessToken)).toBe(401);
  });

  it("a refreshed access token belongs to the same session and ends with it", async () => {
    const { refreshToken } = await newSignedInUser();
    const rotated = await (await refresh(refreshToken)).json<{ access_token: string; refresh_token: string }>();
    expect(await me(rotated.access_token)).toBe(200);
    await app("/auth/logout", json({ refresh_token: rotated.refresh_token }));
    expect(await me(rotated.access_token)).toBe(401);
  });
});
