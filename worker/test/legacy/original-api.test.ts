import { describe, expect, it } from "vitest";
import { images } from "../../db/schema";
import { originalListMax } from "../../routes/legacy";
import { app, bearer, json, randomIp, testDb, userInput } from "../helpers";
import { analysisReaches } from "../image-helpers";
import { makePng } from "../images";

/**
 * The calls the original React frontend makes (frontend/src/api/*.ts in the original repository),
 * with the bodies and headers axios sends, and the exact shapes that frontend reads.
 */
const original = {
  register: (body: unknown, ip?: string) => app("/api/v2/auth/register", { ...json(body), ip }),
  login: (body: unknown) => app("/api/v2/auth/login", json(body)),
  upload(token: string, bytes: Uint8Array, name = "photo.png") {
    const form = new FormData();
    form.append("image", new File([bytes], name, { type: "image/png" }));
    return app("/api/v2/images/upload", { method: "POST", headers: bearer(token), body: form });
  },
  list: (token: string) => app("/api/v2/images/list", { headers: { ...bearer(token), accept: "application/json, text/plain, */*" } }),
};

/** Signs up and in through the original calls only, as the original frontend does. */
async function originalUser() {
  const input = userInput();
  expect((await original.register(input)).status).toBe(201);
  const res = await original.login({ email: input.email, password: input.password });
  const { access_token } = await res.json<{ access_token: string }>();
  const me = await app("/auth/me", { headers: bearer(access_token) });
  const { user } = await me.json<{ user: { id: string } }>();
  return { ...input, id: user.id, token: access_token };
}

async function insertImageRows(userId: string, count: number) {
  const rows = Array.from({ length: count }, (_, i) => ({
    userId,
    key: `users/${userId}/${crypto.randomUUID()}.png`,
    fileName: `row-${i}.png`,
    contentType: "image/png",
    size: 1,
    width: 1,
    height: 1,
    sha256: crypto.randomUUID().replace(/-/g, "").padEnd(64, "0"),
    analysisStatus: "skipped" as const,
  }));
  await testDb().insert(images).values(rows);
}

describe("POST /api/v2/auth/register", () => {
  it("answers 201 with exactly the original message, and the account works on the modern API too", async () => {
    const input = userInput();
    const res = await original.register(input);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ message: "User registered successfully" });
    expect((await app("/auth/login", json({ email: input.email, password: input.password }))).status).toBe(200);
  });

  it("applies the modern sign-up rules and answers {message, code}", async () => {
    const weak = await original.register({ ...userInput(), password: "password" });
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({ message: "password: is too common; choose another", code: "invalid_request" });

    const input = userInput();
    await original.register(input);
    const again = await original.register({ ...userInput(), email: input.email });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ message: "An account with this email already exists", code: "email_taken" });
  });

  it("shares its per-IP rate limit with POST /auth/register", async () => {
    // 20 sign-ups a minute per IP: after 20 modern ones (refused bodies count too) the original call
    // is refused. The limiter's windows follow the clock minute, so a run that straddles a minute
    // starts afresh halfway; it is tried once more with a new IP.
    const originalAfterTwentyModern = async () => {
      const ip = randomIp();
      for (let i = 0; i < 20; i++) expect((await app("/auth/register", { ...json({}), ip })).status).toBe(400);
      return original.register(userInput(), ip);
    };
    let res = await originalAfterTwentyModern();
    if (res.status !== 429) res = await originalAfterTwentyModern();
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ code: "rate_limited", message: expect.any(String) });
  });
});

describe("POST /api/v2/auth/login", () => {
  it("answers 200 with exactly an access token and the username as a string", async () => {
    const input = userInput();
    await original.register(input);
    const res = await original.login({ email: input.email, password: input.password });
    expect(res.status).toBe(200);
    const body = await res.json<{ access_token: string; user: unknown }>();
    expect(body).toEqual({ access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), user: input.username });
    const me = await app("/auth/me", { headers: bearer(body.access_token) });
    expect(await me.json()).toMatchObject({ user: { username: input.username, email: input.email } });
  });

  it("refuses a wrong password with 401 {message, code}", async () => {
    const input = userInput();
    await original.register(input);
    const res = await original.login({ email: input.email, password: `${input.password}!` });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "Email or password is incorrect", code: "invalid_credentials" });
  });
});

describe("POST /api/v2/images/upload", () => {
  it("answers 201 with exactly the original message and a working private file URL", async () => {
    const user = await originalUser();
    const res = await original.upload(user.token, await makePng(8, 8, [30, 160, 90]), "green.png");
    expect(res.status).toBe(201);
    const body = await res.json<{ message: string; file_url: string }>();
    expect(body).toEqual({ message: "File uploaded successfully", file_url: expect.stringContaining("X-Amz-Signature=") });
    expect((await fetch(body.file_url)).status).toBe(200);
  });

  it("stores the same bytes once and still answers 201", async () => {
    const user = await originalUser();
    const bytes = await makePng(8, 8, [30, 30, 160]);
    expect((await original.upload(user.token, bytes)).status).toBe(201);
    expect((await original.upload(user.token, bytes)).status).toBe(201);
    expect(await (await original.list(user.token)).json()).toHaveLength(1);
  });

  it("refuses what the modern upload refuses, as {message, code}", async () => {
    const user = await originalUser();
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>');
    const refused = await original.upload(user.token, svg, "x.svg");
    expect(refused.status).toBe(415);
    expect(await refused.json()).toMatchObject({ code: "unsupported_type", message: expect.any(String) });

    const anonymous = await app("/api/v2/images/upload", { method: "POST", body: new FormData() });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: "unauthorized", message: expect.any(String) });
  });
});

describe("GET /api/v2/images/list", () => {
  it("answers a bare array of the user's images, AI description included once the analysis is done", async () => {
    const user = await originalUser();
    const other = await originalUser();
    await original.upload(other.token, await makePng(8, 8, [200, 200, 20]));
    await original.upload(user.token, await makePng(16, 16, [200, 30, 30]), "red.png");
    const [{ id }] = await (await original.list(user.token)).json<{ id: string }[]>();
    await analysisReaches(user.token, id, ["done"]);

    const res = await original.list(user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-list-truncated")).toBeNull();
    expect(await res.json()).toEqual([
      { id, file_name: "red.png", file_url: expect.stringContaining("X-Amz-Signature="), ai_description: expect.stringMatching(/^Offline analysis: .*red/) },
    ]);
  });

  it("answers 200 with an empty array for a user without images", async () => {
    const user = await originalUser();
    const res = await original.list(user.token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it("lists every image across several pages of the keyset listing, newest first", async () => {
    const user = await originalUser();
    await insertImageRows(user.id, 230);
    expect((await original.upload(user.token, await makePng(4, 4, [1, 2, 3]), "newest.png")).status).toBe(201);
    const res = await original.list(user.token);
    const body = await res.json<{ id: string; file_name: string }[]>();
    expect(body).toHaveLength(231);
    expect(new Set(body.map((image) => image.id)).size).toBe(231);
    expect(body[0].file_name).toBe("newest.png");
    expect(res.headers.get("x-list-truncated")).toBeNull();
  });

  it(`stops at the newest ${originalListMax} images and says so in X-List-Truncated`, async () => {
    const user = await originalUser();
    await insertImageRows(user.id, originalListMax + 1);
    const res = await original.list(user.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-list-truncated")).toBe("true");
    expect(await res.json()).toHaveLength(originalListMax);
  });

  it("needs the access token like every image route", async () => {
    const res = await app("/api/v2/images/list", { headers: { accept: "text/html" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "unauthorized" });
  });
});

describe("unknown paths under /api", () => {
  it.each([
    ["GET", "/api/v2/anything-else"],
    ["GET", "/api/v2/images/list/extra"],
    ["POST", "/api/v2/images/list"],
    ["GET", "/api/v2/auth/register"],
    ["GET", "/api/v1/images/list"],
    ["GET", "/api"],
    ["DELETE", "/api/v2/images/upload"],
  ])("%s %s answers a JSON 404, also to a browser asking for HTML", async (method, path) => {
    for (const accept of ["application/json, text/plain, */*", "text/html,application/xhtml+xml"]) {
      const res = await app(path, { method, headers: { accept, "sec-fetch-dest": accept.startsWith("text/html") ? "document" : "empty" } });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ message: `No route for ${method} ${path}`, code: "not_found" });
    }
  });
});
