import { describe, expect, it } from "vitest";
import { app, bearer, json, newSignedInUser, signIn } from "../helpers";
import { asIfRotatedLongAgo } from "../session-helpers";

const refreshWithBody = (token: string) => app("/auth/refresh", json({ refresh_token: token }));
const refreshWithCookie = (token: string) =>
  app("/auth/refresh", { method: "POST", headers: { cookie: `refresh_token=${token}` } });

describe("refresh tokens", () => {
  it("rotates on every use: a new access token and a new refresh token, in body and cookie", async () => {
    const { refreshToken } = await newSignedInUser();
    const res = await refreshWithCookie(refreshToken);
    expect(res.status).toBe(200);
    const body = await res.json<{ access_token: string; refresh_token: string }>();
    expect(body.refresh_token).not.toBe(refreshToken);
    expect(res.headers.get("set-cookie")).toContain(`refresh_token=${body.refresh_token}`);
    expect((await app("/auth/me", { headers: bearer(body.access_token) })).status).toBe(200);
    expect((await refreshWithBody(body.refresh_token)).status).toBe(200);
  });

  it("revokes the whole family when a rotated token is used again after the grace window", async () => {
    const { refreshToken: first } = await newSignedInUser();
    const second = (await (await refreshWithBody(first)).json<{ refresh_token: string }>()).refresh_token;
    await asIfRotatedLongAgo(first);
    const replay = await refreshWithBody(first);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: "invalid_refresh_token" });
    // The thief's replay also ends the legitimate holder's session.
    expect((await refreshWithBody(second)).status).toBe(401);
  });

  it("keeps other sign-ins alive when one family is revoked", async () => {
    const { user, refreshToken } = await newSignedInUser();
    const laptop = await signIn(user);
    await refreshWithBody(refreshToken);
    await asIfRotatedLongAgo(refreshToken);
    expect((await refreshWithBody(refreshToken)).status).toBe(401);
    expect((await refreshWithBody(laptop.refreshToken)).status).toBe(200);
  });

  it("two concurrent refreshes with the same token (two tabs) both succeed with one successor, and the session lives on", async () => {
    const { refreshToken } = await newSignedInUser();
    const answers = await Promise.all([refreshWithBody(refreshToken), refreshWithCookie(refreshToken)]);
    expect(answers.map((res) => res.status)).toEqual([200, 200]);
    const [a, b] = await Promise.all(answers.map((res) => res.json<{ access_token: string; refresh_token: string }>()));
    expect(b.refresh_token).toBe(a.refresh_token);
    expect(b.refresh_token).not.toBe(refreshToken);
    for (const res of answers) expect(res.headers.get("set-cookie")).toContain(`refresh_token=${a.refresh_token}`);
    for (const { access_token } of [a, b]) expect((await app("/auth/me", { headers: bearer(access_token) })).status).toBe(200);
    expect((await refreshWithBody(a.refresh_token)).status).toBe(200);
  });

  it("hands a just-rotated token's successor out again only while that successor is unused; after that it is reuse", async () => {
    const { refreshToken: first } = await newSignedInUser();
    const second = (await (await refreshWithBody(first)).json<{ refresh_token: string }>()).refresh_token;
    const again = await refreshWithBody(first);
    expect(again.status).toBe(200);
    expect((await again.json<{ refresh_token: string }>()).refresh_token).toBe(second);
    const third = (await (await refreshWithBody(second)).json<{ refresh_token: string }>()).refresh_token;
    expect((await refreshWithBody(first)).status).toBe(401);
    expect((await refreshWithBody(third)).status).toBe(401);
  });

  it("refuses an unknown token and an empty one", async () => {
    expect((await refreshWithBody("x".repeat(43))).status).toBe(401);
    const empty = await app("/auth/refresh", { method: "POST", headers: { cookie: "refresh_token=" } });
    expect(empty.status).toBe(401);
    expect(await empty.json()).toMatchObject({ code: "invalid_refresh_token" });
  });

  it("answers 204 with no body and sets no cookie when there is no session at all (a signed-out page load)", async () => {
    for (const init of [{ method: "POST" }, json({})]) {
      const none = await app("/auth/refresh", init);
      expect(none.status).toBe(204);
      expect(await none.text()).toBe("");
      expect(none.headers.get("set-cookie")).toBeNull();
      expect(none.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("refuses a refresh token used as an access token", async () => {
    const { refreshToken } = await newSignedInUser();
    expect((await app("/auth/me", { headers: bearer(refreshToken) })).status).toBe(401);
  });

  it("logout revokes the refresh token and clears the cookie", async () => {
    const { refreshToken } = await newSignedInUser();
    const res = await app("/auth/logout", { method: "POST", headers: { cookie: `refresh_token=${refreshToken}` } });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/refresh_token=;.*Max-Age=0/);
    expect((await refreshWithBody(refreshToken)).status).toBe(401);
  });

  it("a password change ends every session", async () => {
    const { user, accessToken, refreshToken } = await newSignedInUser();
    const res = await app("/auth/password", json({ current_password: user.password, new_password: "another fine passphrase" }, { headers: bearer(accessToken) }));
    expect(res.status).toBe(200);
    expect((await refreshWithBody(refreshToken)).status).toBe(401);
    expect((await app("/auth/login", json({ email: user.email, password: "another fine passphrase" }))).status).toBe(200);
  });

  it("a password change needs the current password", async () => {
    const { accessToken } = await newSignedInUser();
    const res = await app("/auth/password", json({ current_password: "not my password", new_password: "another fine passphrase" }, { headers: bearer(accessToken) }));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "invalid_credentials", field: "current_password" });
  });

  it("deleting the account needs the password", async () => {
    const { accessToken } = await newSignedInUser();
    const res = await app("/auth/me", json({ password: "not my password" }, { method: "DELETE", headers: bearer(accessToken) }));
    expect(res.status).toBe(403);
    expect((await app("/auth/me", { headers: bearer(accessToken) })).status).toBe(200);
  });
});
