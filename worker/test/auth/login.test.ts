import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { users } from "../../db/schema";
import { dummyHash, passwordHasher } from "../../services/passwords";
import { app, bearer, json, randomIp, registerUser, testDb, userInput } from "../helpers";

const login = (body: unknown, ip = randomIp()) => app("/auth/login", json(body, { headers: { "cf-connecting-ip": ip } }));

afterEach(() => vi.restoreAllMocks());

describe("POST /auth/login", () => {
  it("returns a bearer access token, its lifetime and the user", async () => {
    const user = await registerUser();
    const res = await login({ email: user.email, password: user.password });
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: "Bearer",
      expires_in: 900,
      user: { id: user.id, username: user.username, email: user.email },
    });
    const me = await app("/auth/me", { headers: bearer(body.access_token as string) });
    expect(await me.json()).toMatchObject({ user: { id: user.id, username: user.username, email: user.email } });
  });

  it("sets the refresh token as an HttpOnly, Secure, SameSite=Strict cookie scoped to /auth", async () => {
    const user = await registerUser();
    const res = await login({ email: user.email, password: user.password });
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^refresh_token=[\w-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/auth");
    expect(cookie).toContain("Max-Age=2592000");
  });

  it("accepts the email in any case and with spaces, and the password in another Unicode form", async () => {
    const input = { ...userInput(), password: "ﬁsh and chips 42" }; // "ﬁ" ligature: NFKC makes it "fi"
    const user = await registerUser(input);
    const res = await login({ email: ` ${user.email.toUpperCase()}`, password: "fish and chips 42" });
    expect(res.status).toBe(200);
  });

  it("gives one 401 message for a wrong password and for an unknown email", async () => {
    const user = await registerUser();
    const wrong = await login({ email: user.email, password: "not the password" });
    const unknown = await login({ email: `nobody.${crypto.randomUUID()}@example.test`, password: "whatever it is" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const expected = { message: "Email or password is incorrect", code: "invalid_credentials" };
    expect(await wrong.json()).toEqual(expected);
    expect(await unknown.json()).toEqual(expected);
    expect(wrong.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("runs a full password verify against a dummy hash when the email is unknown", async () => {
    const verify = vi.spyOn(passwordHasher, "verify");
    await login({ email: `nobody.${crypto.randomUUID()}@example.test`, password: "whatever it is" });
    expect(verify).toHaveBeenCalledWith(dummyHash, "whatever it is");
    expect(verify.mock.results[0]).toMatchObject({ type: "return", value: { ok: false } });
  });

  it("rehashes a password stored with older accepted parameters on the next login", async () => {
    const user = await registerUser();
    const legacy = passwordHasher.hash(user.password, { m: 7168, t: 5, p: 1 });
    await testDb().update(users).set({ passwordHash: legacy }).where(eq(users.id, user.id));
    expect((await login({ email: user.email, password: user.password })).status).toBe(200);
    const [row] = await testDb().select().from(users).where(eq(users.id, user.id));
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await login({ email: user.email, password: user.password })).status).toBe(200);
  });

  it("refuses a stored hash whose parameters are not on the allow-list", async () => {
    const user = await registerUser();
    const planted = passwordHasher.hash(user.password, { m: 64, t: 1, p: 1 });
    await testDb().update(users).set({ passwordHash: planted }).where(eq(users.id, user.id));
    expect((await login({ email: user.email, password: user.password })).status).toBe(401);
  });

  it("stops a client after 20 attempts a minute from one IP with 429 and Retry-After", async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await app("/auth/login", json({ email: "bad", password: "x" }, { headers: { "cf-connecting-ip": ip } }));
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get("retry-after")).toBe("60");
        expect(await res.json()).toMatchObject({ code: "rate_limited" });
      }
    }
    expect(statuses.includes(429)).toBe(true);
  });

  it("limits guesses at one email from many IPs to 10 a minute", async () => {
    const guessEleven = async () => {
      const email = `target.${crypto.randomUUID()}@example.test`; // unknown, so no account lock interferes
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await login({ email, password: `guess ${i} guess` }, randomIp())).status);
      return statuses;
    };
    let statuses = await guessEleven();
    // The limiter counts in windows aligned to the clock's minute: eleven guesses that straddled
    // a boundary were split between two windows; eleven more at another email fit in one.
    if (statuses[10] !== 429) statuses = await guessEleven();
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});
