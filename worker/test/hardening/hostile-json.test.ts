import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app, bearer, json, newSignedInUser, type SignedIn } from "../helpers";
import { uploadOk } from "../image-helpers";
import { makePng } from "../images";
import { describeBody, expectCleanAnswer, hostileBody, hostileString, naughtyStrings, rawInit } from "./hostile";

const runs = { numRuns: 40 };

/** Every JSON endpoint and the fields it reads; a new one belongs here. */
const publicEndpoints: [string, string, string[]][] = [
  ["POST", "/auth/register", ["username", "email", "password"]],
  ["POST", "/auth/login", ["email", "password"]],
  ["POST", "/auth/refresh", ["refresh_token"]],
  ["POST", "/auth/logout", ["refresh_token"]],
];
const signedInEndpoints: [string, string, string[]][] = [
  ["POST", "/auth/password", ["current_password", "new_password"]],
  ["DELETE", "/auth/me", ["password"]],
  ["PATCH", "/auth/me", ["keep_metadata", "never_send_to_ai"]],
  ["PATCH", "/images/:id", ["no_ai", "description", "alt_text", "tags"]],
  ["POST", "/images/:id/shares", ["expires_in", "max_views"]],
  ["POST", "/images/bulk", ["action", "ids", "no_ai", "album_id"]],
  ["POST", "/images/download", ["ids"]],
  ["POST", "/albums", ["name"]],
  ["PATCH", "/albums/:album", ["name", "cover_image_id"]],
  ["POST", "/albums/:album/images", ["ids"]],
  ["DELETE", "/albums/:album/images", ["ids"]],
];

describe("hostile JSON bodies on public endpoints", () => {
  for (const [method, path, fields] of publicEndpoints) {
    test.prop([hostileBody(fields)], runs)(`${method} ${path} never answers 5xx and errors are JSON {message, code}`, async (raw) => {
      await expectCleanAnswer(await app(path, rawInit(method, raw)), `${method} ${path} ${describeBody(raw)}`);
    });
  }
});

describe("hostile JSON bodies on signed-in endpoints", () => {
  let session: SignedIn;
  let imageId: string;
  let albumId: string;
  beforeAll(async () => {
    session = await newSignedInUser();
    imageId = (await uploadOk(session.accessToken, { bytes: await makePng(8, 8, [7, 7, 7]) })).id;
    albumId = (await (await app("/albums", json({ name: "fuzzed" }, { headers: bearer(session.accessToken) }))).json<{ id: string }>()).id;
  });

  for (const [method, template, fields] of signedInEndpoints) {
    // 30 runs: a well-formed password here costs an argon2id verify (~250 ms).
    test.prop([hostileBody(fields)], { numRuns: 30 })(`${method} ${template} never answers 5xx and errors are JSON {message, code}`, async (raw) => {
      const path = template.replace(":id", imageId).replace(":album", albumId);
      await expectCleanAnswer(await app(path, rawInit(method, raw, bearer(session.accessToken))), `${method} ${path} ${describeBody(raw)}`);
    });
  }

  it("answers an empty settings patch with the current settings", async () => {
    const res = await app("/auth/me", json({}, { method: "PATCH", headers: bearer(session.accessToken) }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ settings: { keep_metadata: expect.any(Boolean), never_send_to_ai: expect.any(Boolean) } });
  });

  // After whichever fuzzed bodies ran: none changed the password or deleted the account.
  afterAll(async () => {
    const res = await app("/auth/login", json({ email: session.user.email, password: session.user.password }));
    expect(res.status, "the fuzzed user still signs in").toBe(200);
  });
});

describe("the big list of naughty strings", () => {
  it("as login email and password: 4xx JSON for every one", async () => {
    await inBatches(naughtyStrings, async (s) => {
      await expectCleanAnswer(await app("/auth/login", json({ email: s, password: s })), `login ${JSON.stringify(s)}`);
    });
  });

  test.prop([fc.constantFrom(...naughtyStrings)], { numRuns: 15 })("as a username, with a valid email and password: created or refused, never 5xx", async (s) => {
    const tag = crypto.randomUUID().slice(0, 8);
    const res = await app("/auth/register", json({ username: s, email: `naughty.${tag}@example.test`, password: `long enough ${tag}` }));
    const { status } = await expectCleanAnswer(res, `register username ${JSON.stringify(s)}`);
    expect([201, 400, 409]).toContain(status);
  });

  it.each(["NULL", "𠜎𠜱𠝹𠱓𠱸𠲖𠳏", "١٢٣", "CON", "hasOwnProperty"])("registers the username %j as text, verbatim after trimming", async (name) => {
    const suffix = crypto.randomUUID().slice(0, 6);
    const username = `${name}${suffix}`;
    const res = await app("/auth/register", json({ username, email: `nice.${suffix}@example.test`, password: `long enough ${suffix}` }));
    expect(res.status).toBe(201);
    expect((await res.json<{ user: { username: string } }>()).user.username).toBe(username.trim().normalize("NFKC"));
  });

  test.prop([hostileString], { numRuns: 30 })("as a refresh token in body or cookie: 401, 400 or 413, never 5xx", async (s) => {
    const body = await app("/auth/refresh", json({ refresh_token: s }));
    expect([400, 401, 413]).toContain((await expectCleanAnswer(body, `refresh body ${JSON.stringify(s)}`)).status);
    const cookie = [...new TextEncoder().encode(s)].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
    const viaCookie = await app("/auth/refresh", { method: "POST", headers: { cookie: `refresh_token=${cookie}` } });
    expect([400, 401]).toContain((await expectCleanAnswer(viaCookie, `refresh cookie ${JSON.stringify(s)}`)).status);
  });
});

describe("bodies that do not say how long they are", () => {
  it.each(["/auth/register", "/auth/login", "/auth/refresh", "/auth/logout"])("%s refuses a streamed JSON body over 16 KiB with 413", async (path) => {
    const chunk = new TextEncoder().encode(`{"refresh_token":"${"a".repeat(1024 * 1024)}"}`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await app(path, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);
    await expectCleanAnswer(res, `${path} streamed 1 MiB`);
    expect(res.status).toBe(413);
  });
});

/** Cheap requests in small concurrent batches: the list has ~460 entries. */
async function inBatches<T>(items: T[], check: (item: T) => Promise<void>, size = 8) {
  for (let at = 0; at < items.length; at += size) await Promise.all(items.slice(at, at + size).map(check));
}
