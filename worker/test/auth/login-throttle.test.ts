import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loginAccountThrottles, loginPlaceThrottles } from "../../db/schema";
import { accountAttemptBudget, loginThrottleKeys } from "../../services/login-throttle";
import { app, bearer, json, randomIp, registerUser, signIn, testDb } from "../helpers";

const login = (email: string, password: string, ip: string) =>
  app("/auth/login", json({ email, password }, { headers: { "cf-connecting-ip": ip } }));

const unknownEmail = () => `nobody.${crypto.randomUUID()}@example.test`;

async function answer(res: Response) {
  return { status: res.status, body: await res.json<Record<string, unknown>>(), retryAfter: res.headers.has("retry-after") };
}

async function placeRow(email: string, ip: string) {
  const { place } = await loginThrottleKeys(env.JWT_SECRET_KEY!, email, ip);
  const [row] = await testDb().select().from(loginPlaceThrottles).where(eq(loginPlaceThrottles.key, place));
  return row;
}

/** As if the delay a place earned had run out: its next attempt is due now. */
async function letPlaceTryAgain(email: string, ip: string) {
  const { place } = await loginThrottleKeys(env.JWT_SECRET_KEY!, email, ip);
  await testDb().update(loginPlaceThrottles).set({ nextAttemptAt: sql`now() - interval '1 second'` }).where(eq(loginPlaceThrottles.key, place));
}

/** As if many addresses had spent the account's hourly budget of guesses. */
async function exhaustAccountBudget(email: string) {
  const { account } = await loginThrottleKeys(env.JWT_SECRET_KEY!, email, "0.0.0.0");
  await testDb()
    .insert(loginAccountThrottles)
    .values({ key: account, attempts: accountAttemptBudget })
    .onConflictDoUpdate({ target: loginAccountThrottles.key, set: { attempts: accountAttemptBudget, windowStartedAt: sql`now()` } });
}

describe("login throttling per account and address", () => {
  it("an attacker guessing from one address cannot lock the owner out at another", async () => {
    const victim = await registerUser();
    const attacker = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(victim.email, `guess number ${i}`, attacker)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect((await login(victim.email, victim.password, randomIp())).status).toBe(200);
  });

  it("bounds one address's guesses: five, then a delay that doubles up to 15 minutes, whatever the password", async () => {
    const user = await registerUser();
    const ip = randomIp();
    for (let i = 0; i < 5; i++) expect((await login(user.email, `guess number ${i}`, ip)).status).toBe(401);
    const locked = await login(user.email, user.password, ip);
    expect(locked.status).toBe(429);
    expect(await locked.json()).toEqual({ code: "login_locked", message: expect.stringContaining("Too many failed sign-ins") });
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    const delay = (row: { nextAttemptAt: Date; updatedAt: Date }) => (row.nextAttemptAt.getTime() - row.updatedAt.getTime()) / 1000;
    expect(delay(await placeRow(user.email, ip))).toBe(2);

    await letPlaceTryAgain(user.email, ip);
    expect((await login(user.email, "guess number 6", ip)).status).toBe(401);
    expect(delay(await placeRow(user.email, ip))).toBe(4);
    expect((await login(user.email, user.password, ip)).status).toBe(429);

    const { place } = await loginThrottleKeys(env.JWT_SECRET_KEY!, user.email, ip);
    await testDb().update(loginPlaceThrottles).set({ attempts: 40 }).where(eq(loginPlaceThrottles.key, place));
    await letPlaceTryAgain(user.email, ip);
    expect((await login(user.email, "guess number 41", ip)).status).toBe(401);
    expect(delay(await placeRow(user.email, ip))).toBe(15 * 60);

    // Once the delay has passed, the right password works and the place starts afresh.
    await letPlaceTryAgain(user.email, ip);
    expect((await login(user.email, user.password, ip)).status).toBe(200);
    expect(await placeRow(user.email, ip)).toMatchObject({ attempts: 0 });
  });

  it("addresses in one IPv6 /64 count as one place", async () => {
    const user = await registerUser();
    const prefix = `2001:db8:${randomIp().split(".").slice(1, 3).join(":")}:7`;
    for (let i = 1; i <= 5; i++) expect((await login(user.email, `guess number ${i}`, `${prefix}::${i}`)).status).toBe(401);
    expect((await login(user.email, user.password, `${prefix}:ffff::1`)).status).toBe(429);
    expect((await login(user.email, user.password, "2001:db8:ffff::1")).status).toBe(200);
  });

  it("bounds guesses at an account across addresses: over the hourly budget only places it signed in from before may try", async () => {
    const user = await registerUser();
    const home = randomIp();
    expect((await login(user.email, user.password, home)).status).toBe(200);
    await exhaustAccountBudget(user.email);

    const elsewhere = await login(user.email, user.password, randomIp());
    expect(elsewhere.status).toBe(429);
    expect(await elsewhere.json()).toEqual({ code: "login_throttled", message: expect.stringContaining("sign in from a device or network you have used before") });
    expect(Number(elsewhere.headers.get("retry-after"))).toBeGreaterThan(0);
    // The owner at a known place is not stopped, and that fresh sign-in restores the budget.
    expect((await login(user.email, user.password, home)).status).toBe(200);
    expect((await login(user.email, user.password, randomIp())).status).toBe(200);
  });

  it("gives a known and an unknown email exactly the same sequence of answers", async () => {
    const user = await registerUser();
    async function script(email: string) {
      const [a, b, c] = [randomIp(), randomIp(), randomIp()];
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await answer(await login(email, `guess number ${i}`, a)));
      answers.push(await answer(await login(email, user.password, a)));
      answers.push(await answer(await login(email, "guess from elsewhere", b)));
      await exhaustAccountBudget(email);
      answers.push(await answer(await login(email, "guess number 7", c)));
      answers.push(await answer(await login(email, user.password, c)));
      return answers;
    }
    const known = await script(user.email);
    const unknown = await script(unknownEmail());
    expect(known.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 401, 429, 429]);
    expect(unknown).toEqual(known);
  });
});

/** The two requests that re-check a signed-in user's password, as one address sends them. */
const reentries = [
  ["POST /auth/password", (token: string, password: string, ip: string) =>
    app("/auth/password", json({ current_password: password, new_password: `a renewed passphrase ${crypto.randomUUID()}` }, { headers: { ...bearer(token), "cf-connecting-ip": ip } }))],
  ["DELETE /auth/me", (token: string, password: string, ip: string) =>
    app("/auth/me", json({ password }, { method: "DELETE", headers: { ...bearer(token), "cf-connecting-ip": ip } }))],
] as const;

describe("re-entering the password while signed in is throttled as sign-in is", () => {
  it.each(reentries)("%s: five wrong guesses from one address, then 429 login_locked even for the right one, counted with sign-in; the owner elsewhere goes on", async (_name, reenter) => {
    const user = await registerUser();
    const { accessToken } = await signIn(user);
    const thief = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await reenter(accessToken, `guess number ${i}`, thief)).status);
    expect(statuses).toEqual([403, 403, 403, 403, 403]);
    const locked = await reenter(accessToken, user.password, thief);
    expect(locked.status).toBe(429);
    expect(await locked.json()).toEqual({ code: "login_locked", message: expect.stringContaining("Too many failed sign-ins") });
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await login(user.email, user.password, thief)).status).toBe(429);
    expect((await reenter(accessToken, user.password, randomIp())).ok).toBe(true);
  });

  it.each(reentries)("%s: over the account's hourly budget, 429 login_throttled from an address it never signed in from", async (_name, reenter) => {
    const user = await registerUser();
    const { accessToken } = await signIn(user);
    await exhaustAccountBudget(user.email);
    const elsewhere = await reenter(accessToken, user.password, randomIp());
    expect(elsewhere.status).toBe(429);
    expect(await elsewhere.json()).toEqual({ code: "login_throttled", message: expect.stringContaining("sign in from a device or network you have used before") });
    expect(Number(elsewhere.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
