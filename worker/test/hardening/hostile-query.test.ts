import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { app, bearer, newSignedInUser, type SignedIn } from "../helpers";
import { uploadOk } from "../image-helpers";
import { makePng } from "../images";
import { expectCleanAnswer, hostileString, naughtyStrings } from "./hostile";

/** Percent-encodes every byte of the UTF-8 form (lone surrogates become U+FFFD, as a browser sends them). */
const percentEncode = (text: string) => [...new TextEncoder().encode(text)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
const base64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Raw query fragments that are not valid percent-encoding or not what a number parser expects. */
const rawFragment = fc.constantFrom(
  "", "%", "%zz", "%ff", "%00", "%ED%A0%80", "%C0%80", "%2", "%%", "+", "1e3", "-1", "0", "101", "100", "1", "1.5", "%201", "0x10",
  "99999999999999999999", "%EF%BC%91", "page", "array", "ARRAY", "%E2%80%AE", "2024-05", "2024-02-29", "2024-02-30", "0000-01", "9999-12-31",
);

/** Cursors shaped like ours with hostile parts: dates Postgres cannot read, ranks past int4, ids that are nearly UUIDs. */
const dateLike = fc.oneof(
  fc.constantFrom("2020", "1", "0", "2020-13-45", "12/31/1999", "Tue, 01 Jan 2030 00:00:00 GMT", "+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "2020-01-01T00:00:00Z", "Infinity", "epoch", "now"),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string({ maxLength: 30 }),
);
const idLike = fc.oneof(fc.uuid(), fc.constantFrom("-".repeat(36), "00000000-0000-0000-0000-000000000000", "not-a-uuid"), fc.stringMatching(/^[0-9a-f-]{36}$/));
const rankLike = fc.oneof(fc.integer(), fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1e20, Number.MAX_SAFE_INTEGER, 1.5, -0, 1e308));
const cursor = fc.oneof(
  fc.tuple(dateLike, idLike).map((parts) => base64url(JSON.stringify(parts))),
  fc.tuple(rankLike, dateLike, idLike).map((parts) => base64url(JSON.stringify(parts))),
  fc.jsonValue({ maxDepth: 2 }).map((value) => base64url(unescape(encodeURIComponent(JSON.stringify(value) ?? "")))),
  fc.stringMatching(/^[A-Za-z0-9_=+/-]{0,80}$/),
);

const value = fc.oneof(hostileString.map(percentEncode), rawFragment, cursor);
const param = fc.tuple(fc.constantFrom("limit", "cursor", "q", "tag", "format", "limit", "cursor", "from"), value);
const query = fc.array(param, { minLength: 1, maxLength: 5 }).map((params) => params.map(([name, v]) => `${name}=${v}`).join("&"));

describe("GET /images with hostile query parameters", () => {
  let session: SignedIn;
  beforeAll(async () => {
    session = await newSignedInUser();
    for (const rgb of [[1, 2, 3], [4, 5, 6], [7, 8, 9]] as const) await uploadOk(session.accessToken, { bytes: await makePng(4, 4, [...rgb]) });
  });

  const list = (q: string) => app(`/images?${q}`, { headers: bearer(session.accessToken) });

  test.prop([query], { numRuns: 40 })("answers 200 or a JSON 400, never 5xx", async (q) => {
    const { status, text } = await expectCleanAnswer(await list(q), `GET /images?${q}`);
    expect([200, 400]).toContain(status);
    if (status === 200) {
      const body: unknown = JSON.parse(text);
      expect(Array.isArray(body) || (typeof body === "object" && body !== null && "images" in body)).toBe(true);
    }
  });

  test.prop([cursor, fc.boolean()], { numRuns: 30 })("refuses a cursor it did not issue with 400 invalid_cursor, searched or not", async (c, searched) => {
    const q = `cursor=${c}${searched ? "&q=png" : ""}`;
    const { status, text } = await expectCleanAnswer(await list(q), `GET /images?${q}`);
    if (status === 400) expect(JSON.parse(text)).toMatchObject({ code: expect.stringMatching(/^(invalid_cursor|invalid_request)$/) });
    else expect(status).toBe(200); // a forged but well-formed cursor is only a position
  });

  it.each<[string, unknown[], string]>([
    ["a year Postgres cannot read", ["+010000-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"], ""],
    ["a bare year", ["2020", "00000000-0000-4000-8000-000000000000"], ""],
    ["year zero", ["0000-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"], ""],
    ["a day that does not exist", ["2020-02-30T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"], ""],
    ["a rank past int4", [1e20, "2020-01-01T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"], "&q=png"],
  ])("answers 400 invalid_cursor for a cursor carrying %s", async (_name, parts, extra) => {
    const res = await list(`cursor=${base64url(JSON.stringify(parts))}${extra}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_cursor" });
  });

  it.each(["q", "tag"])("answers 400 invalid_request, not 500, for a NUL in %s", async (name) => {
    const res = await list(`${name}=a%00b`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_request", field: name });
  });

  it("takes every naughty string as q and as tag", async () => {
    for (let at = 0; at < naughtyStrings.length; at += 16) {
      await Promise.all(
        naughtyStrings.slice(at, at + 16).map(async (s) => {
          const q = `q=${percentEncode(s)}&tag=${percentEncode(s)}`;
          const { status } = await expectCleanAnswer(await list(q), `GET /images?${q}`);
          expect([200, 400]).toContain(status);
        }),
      );
    }
  });

  it("still pages through the user's own images afterwards", async () => {
    const res = await list("limit=2");
    const page = await res.json<{ images: unknown[]; next_cursor: string }>();
    expect(page.images).toHaveLength(2);
    const next = await list(`limit=2&cursor=${page.next_cursor}`);
    expect((await next.json<{ images: unknown[] }>()).images).toHaveLength(1);
  });
});

/** A path segment a client may send: encoded hostile text, raw bad escapes, dot segments, near-UUIDs. */
const segment = fc.oneof(
  hostileString.filter((s) => s.length > 0).map(percentEncode),
  idLike,
  fc.constantFrom("%", "%zz", "%00", "%2F", "%2e%2e", "..", ".", "%ED%A0%80", "a".repeat(5000), "00000000-0000-0000-0000-00000000000G", "%20", "analyze", "file", "shares"),
);

/** Every route that takes an id in its path, with a body it would accept. */
const idRoutes: [string, string, RequestInit?][] = [
  ["GET", "/images/:id"],
  ["GET", "/images/:id/file"],
  ["DELETE", "/images/:id"],
  ["GET", "/images/analyze/:id"],
  ["POST", "/images/:id/analyze"],
  ["PATCH", "/images/:id", { headers: { "content-type": "application/json" }, body: "{}" }],
  ["GET", "/images/:id/shares"],
  ["POST", "/images/:id/shares", { headers: { "content-type": "application/json" }, body: '{"expires_in":3600}' }],
  ["DELETE", "/images/:id/shares/00000000-0000-4000-8000-000000000000"],
  ["GET", "/albums/:id"],
  ["PATCH", "/albums/:id", { headers: { "content-type": "application/json" }, body: '{"name":"x"}' }],
  ["DELETE", "/albums/:id"],
  ["GET", "/albums/:id/images"],
  ["POST", "/albums/:id/images", { headers: { "content-type": "application/json" }, body: '{"ids":["00000000-0000-4000-8000-000000000000"]}' }],
];

describe("hostile ids in paths", () => {
  let session: SignedIn;
  let ownImageId: string;
  beforeAll(async () => {
    session = await newSignedInUser();
    ownImageId = (await uploadOk(session.accessToken, { bytes: await makePng(4, 4, [9, 9, 1]) })).id;
  });

  for (const [method, template, init] of idRoutes) {
    test.prop([segment], { numRuns: 15 })(`${method} ${template} answers a JSON 404 for any id that is not the user's image or album`, async (id) => {
      const path = template.replace(":id", id);
      const res = await app(path, { method, ...init, headers: { ...bearer(session.accessToken), ...(init?.headers as Record<string, string>) }, redirect: "manual" });
      const { status } = await expectCleanAnswer(res, `${method} ${path.slice(0, 200)}`);
      // Dot segments can move the request to another route (or the SPA); only a real match must be 404.
      const pathname = new URL(`https://app.test${path}`).pathname;
      if (new RegExp(`^${template.replace(":id", "[^/]+")}$`).test(pathname) && !["analyze", "file", "shares"].includes(id)) expect(status).toBe(404);
    });
  }

  test.prop([segment], { numRuns: 20 })("DELETE /images/:id/shares/:shareId answers 404 for any share id on the user's own image", async (shareId) => {
    const path = `/images/${ownImageId}/shares/${shareId}`;
    const { status } = await expectCleanAnswer(await app(path, { method: "DELETE", headers: bearer(session.accessToken) }), `DELETE ${path.slice(0, 200)}`);
    if (/^\/images\/[^/]+\/shares\/[^/]+$/.test(new URL(`https://app.test${path}`).pathname)) expect(status).toBe(404);
  });

  it("answers 404 share_not_found for a share id of 36 hex digits and dashes that is not a UUID", async () => {
    const res = await app(`/images/${ownImageId}/shares/${"-".repeat(36)}`, { method: "DELETE", headers: bearer(session.accessToken) });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "share_not_found" });
  });

  test.prop([segment], { numRuns: 20 })("GET /s/:token answers the HTML 404 page for any token that is not a live link", async (token) => {
    const res = await app(`/s/${token}`);
    expect(res.status, `/s/${token.slice(0, 100)}`).toBeLessThan(500);
    if (/^\/s\/[^/]+$/.test(new URL(`https://app.test/s/${token}`).pathname)) {
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    }
  });
});
