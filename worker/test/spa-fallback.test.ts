import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import webRoutes from "../../web/src/index.tsx?raw";

const app = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  exports.default.fetch(new Request(new URL(path, "https://app.test"), { method, headers }));

/** What Chromium sends for an address-bar navigation, and for fetch()/XHR from a page (axios's default Accept). */
const navigation = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };
const xhr = { accept: "application/json, text/plain, */*", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" };

/** Every page path the SPA routes (web/src/index.tsx: `path="…"` or `path={["…", "…"]}`), with a sample id for parameters. */
const pagePaths = [
  ...new Set(
    [...webRoutes.matchAll(/<Route\s+path=(?:"([^"]+)"|\{\[([^\]]+)\]\})/g)]
      .flatMap(([, single, list]) => (single ? [single] : [...(list ?? "").matchAll(/"([^"]+)"/g)].map(([, path]) => path)))
      .filter((path) => !path.includes("*"))
      .map((path) => path.replace(/:\w+/g, "some-id")),
  ),
];

async function expectJson404(res: Response) {
  expect(res.status).toBe(404);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await res.json()).toMatchObject({ code: "not_found" });
}

describe("SPA fallback", () => {
  it("knows the SPA's page paths", () => {
    expect(pagePaths).toEqual(expect.arrayContaining(["/", "/login", "/signup", "/i/some-id", "/account"]));
  });

  it.each(pagePaths)("serves index.html for the page %s to a navigation and to a plain fetch", async (path) => {
    for (const headers of [navigation, xhr, {}]) {
      const res = await app(path, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it("serves the app's icon, which the page names, so browsers do not ask for /favicon.ico", async () => {
    const shell = await (await app("/", navigation)).text();
    expect(shell).toContain('rel="icon" href="/favicon.svg"');
    const res = await app("/favicon.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
  });

  it.each(["/nope", "/images-of-cats", "/i/a/b", "/assets/missing.js", "/favicon.ico"])("answers a fetch for the unknown path %s with a JSON 404", async (path) => {
    await expectJson404(await app(path, xhr));
    await expectJson404(await app(path));
  });

  it("serves a page load of an unknown path the SPA's shell with a 404, so it shows its not-found page", async () => {
    for (const headers of [navigation, { accept: "text/html" }]) {
      const res = await app("/no/such/page", headers);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it("treats a framed or fetched document request as no page load", async () => {
    await expectJson404(await app("/nope", { accept: "text/html", "sec-fetch-dest": "iframe", "sec-fetch-mode": "navigate" }));
  });

  it.each(["/auth/nope", "/images/a/b/c/d", "/api/v2/nope", "/healthz/extra", "/s"])("answers the API path %s with JSON even to a navigation", async (path) => {
    const res = await app(path, navigation);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  });
});
