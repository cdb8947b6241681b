import { neon, neonConfig } from "@neondatabase/serverless";
import { beforeAll, describe, expect, inject, it } from "vitest";

/**
 * The stand-ins listen on 127.0.0.1, which any web page the developer opens can reach.
 * Their admin routes need the run's random token in a header a page cannot send without a
 * CORS preflight, which they refuse; the Neon endpoint wants the stack's own credentials.
 */
const adminUrls = {
  neon: () => new URL("/__admin/faults", inject("neonUrl")).toString(),
  s3: () => `${inject("s3Endpoint")}/__admin/faults`,
  gemini: () => `${inject("geminiUrl")}/__admin/faults`,
};

// A rule each stand-in accepts, scoped to nothing any other test uses.
const harmlessRule = {
  neon: () => ({ match: `no statement says ${crypto.randomUUID()}`, faults: [{ type: "status", status: 500 }] }),
  s3: () => ({ keyPrefix: `nobody/${crypto.randomUUID()}/`, faults: [{ type: "status", status: 500 }] }),
  gemini: () => ({ sha256: crypto.randomUUID().replaceAll("-", "").repeat(2), faults: [{ type: "safety" }] }),
};

beforeAll(() => {
  neonConfig.fetchEndpoint = inject("neonUrl");
});

describe.each(Object.keys(adminUrls) as (keyof typeof adminUrls)[])("%s stand-in admin routes", (name) => {
  it("refuses a simple cross-site request (text/plain, no token) with 401", async () => {
    const res = await fetch(adminUrls[name](), {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "https://evil.example" },
      // A rule that would harm no other test, should the stand-in wrongly take it.
      body: JSON.stringify(harmlessRule[name]()),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses a wrong token", async () => {
    const res = await fetch(adminUrls[name](), { method: "POST", headers: { "x-admin-token": "guess" }, body: JSON.stringify(harmlessRule[name]()) });
    expect(res.status).toBe(401);
  });

  it("fails a browser's CORS preflight, so a page can never send the token header", async () => {
    const res = await fetch(adminUrls[name](), {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "x-admin-token" },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-headers")).toBeNull();
  });

  it("accepts the run's token", async () => {
    const res = await fetch(adminUrls[name](), { method: "POST", headers: { "x-admin-token": inject("adminToken") }, body: JSON.stringify(harmlessRule[name]()) });
    expect(res.status).toBe(204);
  });
});

describe("S3 stand-in object listing", () => {
  it("lists keys only with the token", async () => {
    const url = `${inject("s3Endpoint")}/__admin/objects?prefix=`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { "x-admin-token": inject("adminToken") } })).status).toBe(200);
  });
});

describe("Neon stand-in credentials", () => {
  const withCredentials = (user: string, password: string) => {
    const url = new URL(inject("databaseUrl"));
    url.username = user;
    url.password = password;
    return url.toString();
  };

  it("answers the stack's own connection string", async () => {
    await expect(neon(inject("databaseUrl")).query("select 1 as ok")).resolves.toEqual([{ ok: 1 }]);
  });

  it.each([
    ["a wrong password", () => withCredentials(new URL(inject("databaseUrl")).username, "guess")],
    ["another user", () => withCredentials("postgres", new URL(inject("databaseUrl")).password)],
    ["no password", () => withCredentials("postgres", "")],
    ["any other database's URL", () => "postgres://postgres@127.0.0.1:5432/postgres"],
  ])("refuses %s with 28P01, running nothing", async (_name, connectionString) => {
    await expect(neon(connectionString()).query("select email, password_hash from users")).rejects.toMatchObject({ code: "28P01" });
  });
});

describe.each([
  ["neon", () => new URL("/__admin/latency", inject("neonUrl")).toString()],
  ["s3", () => `${inject("s3Endpoint")}/__admin/latency`],
])("%s stand-in's bench latency", (_name, url) => {
  const post = (body: unknown, token = inject("adminToken")) =>
    fetch(url(), { method: "POST", headers: { "x-admin-token": token }, body: JSON.stringify(body) });

  it("is set only with the run's token, and only to a whole number of ms up to 2 s", async () => {
    expect((await post({ ms: 0 }, "guess")).status).toBe(401);
    for (const ms of [-1, 1.5, 2001, "10", null]) expect((await post({ ms })).status, String(ms)).toBe(400);
    // 0 is the value every other test runs under: setting it again changes nothing for them.
    expect(await (await post({ ms: 0 })).json()).toEqual({ ms: 0 });
    expect(await (await fetch(url(), { headers: { "x-admin-token": inject("adminToken") } })).json()).toEqual({ ms: 0 });
  });
});
