import { env, exports } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { createDb } from "../db/client";
import { buildDeps, type Deps } from "../deps";

/** Calls the real worker as a client would, from a per-test IP so rate limits never collide. */
export function app(path: string, init: RequestInit & { ip?: string } = {}) {
  const headers = new Headers(init.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", init.ip ?? randomIp());
  return exports.default.fetch(new Request(`https://app.test${path}`, { ...init, headers }));
}

export function randomIp() {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `10.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

export const json = (body: unknown, init: RequestInit = {}): RequestInit => ({
  method: "POST",
  ...init,
  headers: { "content-type": "application/json", ...Object.fromEntries(new Headers(init.headers)) },
  body: JSON.stringify(body),
});

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The ids of every item a paged listing answers (`images` or `albums`), following next_cursor to the end. */
export async function allIds(token: string, path: string, items: "images" | "albums" = "images"): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await app(`${path}${cursor ? `${path.includes("?") ? "&" : "?"}cursor=${cursor}` : ""}`, { headers: bearer(token) });
    expect(res.status, await res.clone().text()).toBe(200);
    const page: { next_cursor: string | null } & Record<typeof items, { id: string }[]> = await res.json();
    ids.push(...page[items].map((item) => item.id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
}

export function userInput(): Omit<TestUser, "id"> {
  const tag = crypto.randomUUID().slice(0, 12);
  return { username: `user_${tag}`, email: `user.${tag}@example.test`, password: `correct horse ${tag}` };
}

export async function registerUser(input = userInput()): Promise<TestUser> {
  const res = await app("/auth/register", json(input));
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  const { user } = await res.json<{ user: { id: string } }>();
  return { ...input, id: user.id };
}

export interface SignedIn {
  user: TestUser;
  accessToken: string;
  refreshToken: string;
}

export async function signIn(user: TestUser): Promise<SignedIn> {
  const res = await app("/auth/login", json({ email: user.email, password: user.password }));
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = await res.json<{ access_token: string; refresh_token: string }>();
  return { user, accessToken: body.access_token, refreshToken: body.refresh_token };
}

export async function newSignedInUser(): Promise<SignedIn> {
  return signIn(await registerUser());
}

/** Polls until `check` stops throwing; fails with the last error after the deadline. */
export async function eventually<T>(check: () => Promise<T>, { timeoutMs = 5000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  throw lastError;
}

/** The test database through the same driver and endpoint the worker uses. */
export const testDb = () => createDb(env.DATABASE_URL!, env.NEON_FETCH_ENDPOINT ?? "");

/** Services' deps as fetch, queue and cron build them, for calling a service directly (jobs go to the real queue). */
export function testDeps(bindings: Env = env): Deps {
  return buildDeps(bindings);
}

/**
 * For tests that cause failures on purpose: console.error lines matching `expected` stay out of
 * the output and are collected for assertions; any other line still prints. Undo with vi.restoreAllMocks().
 */
export function captureExpectedErrors(expected: RegExp): string[] {
  const print = console.error.bind(console);
  const captured: string[] = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    const line = args.map(String).join(" ");
    if (expected.test(line)) captured.push(line);
    else print(...args);
  });
  return captured;
}
