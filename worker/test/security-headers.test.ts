import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const app = (url: string, init?: RequestInit) => exports.default.fetch(new Request(new URL(url, "http://app.test"), init));

const directives = (csp: string | null) =>
  Object.fromEntries((csp ?? "").split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

describe("SPA responses", () => {
  it("serves index.html for a client-side route with a strict CSP that allows the bucket's images and part uploads", async () => {
    const res = await app("/i/some-image");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<div id="root">');
    const csp = directives(res.headers.get("content-security-policy"));
    expect(csp["default-src"]).toEqual(["'none'"]);
    expect(csp["script-src"]).toEqual(["'self'"]);
    expect(csp["style-src"]).toEqual(["'self'"]);
    expect(csp["img-src"]).toEqual(["'self'", "blob:", new URL(env.S3_ENDPOINT!).origin]);
    // Direct uploads PUT their parts to the bucket's presigned URLs, and to nothing else.
    expect(csp["connect-src"]).toEqual(["'self'", new URL(env.S3_ENDPOINT!).origin]);
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["base-uri"]).toEqual(["'none'"]);
    expect(csp["form-action"]).toEqual(["'self'"]);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("names the AWS virtual-hosted bucket origin when no S3_ENDPOINT is set", async () => {
    const { default: worker } = await import("../index");
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("http://app.test/login"), { ...env, S3_ENDPOINT: "", S3_BUCKET_NAME: "photos", S3_REGION: "eu-west-1" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(directives(res.headers.get("content-security-policy"))["img-src"]).toContain("https://photos.s3.eu-west-1.amazonaws.com");
  });

  it("adds HSTS when served over https", async () => {
    const res = await app("https://app.test/login");
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d{7,}/);
  });

  it("serves built assets with nosniff and no page-only headers", async () => {
    const html = await (await app("/")).text();
    const script = /<script type="module"[^>]* src="([^"]+)"/.exec(html)?.[1];
    expect(script).toMatch(/^\/assets\/.+\.js$/);
    const res = await app(script!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBeNull();
  });

  it("builds a page with no inline script, as the CSP requires", async () => {
    const html = await (await app("/")).text();
    expect(html.match(/<script\b[^>]*>/g)?.every((tag) => / src="/.test(tag))).toBe(true);
  });

  it.each(["/auth/nope", "/healthz/extra", "/s"])("answers the unknown API path %s with a JSON 404, not the SPA", async (path) => {
    const res = await app(path);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found" });
  });

  it("leaves unknown paths under /images to the API's own auth check", async () => {
    const res = await app("/images/a/b/c");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("answers a non-GET request to a page path with a JSON 404", async () => {
    const res = await app("/login", { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found" });
  });
});
