import { afterEach, describe, expect, it, vi } from "vitest";
import { app, bearer, json, registerUser, signIn, userInput } from "../helpers";

afterEach(() => vi.restoreAllMocks());

function captureLogs() {
  const lines: string[] = [];
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (a instanceof Error ? `${a.name} ${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
  }
  return lines;
}

describe("logs", () => {
  it("never contain a password, an access token or a refresh token", async () => {
    const lines = captureLogs();
    const user = await registerUser();
    const session = await signIn(user);
    await app("/auth/login", json({ email: user.email, password: `${user.password}-wrong` }));
    await app("/auth/register", json({ ...userInput(), email: user.email, password: user.password }));
    await app("/auth/refresh", json({ refresh_token: session.refreshToken }));
    await app("/auth/refresh", json({ refresh_token: session.refreshToken }));
    await app("/auth/me", { headers: bearer(`${session.accessToken}x`) });
    await app("/auth/password", json({ current_password: user.password, new_password: "yet another passphrase" }, { headers: bearer(session.accessToken) }));

    const secrets = [user.password, "yet another passphrase", session.accessToken, session.refreshToken];
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
