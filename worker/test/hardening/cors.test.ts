import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../index";
import { randomIp, userInput } from "../helpers";
import { makePng } from "../images";

const withOrigins = { ...env, ALLOWED_ORIGINS: " https://app.example.com, https://Admin.Example.com/ ,," } as Env;

async function call(path: string, init: RequestInit = {}, bindings: Env = withOrigins) {
  const headers = new Headers(init.headers);
  headers.set("cf-connecting-ip", randomIp());
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://api.test${path}`, { ...init, headers }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const preflight = (origin: string, path = "/images", method = "PATCH", headers = "authorization, content-type") =>
  call(path, { method: "OPTIONS", headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers } });

describe("CORS for ALLOWED_ORIGINS", () => {
  it.each(["https://app.example.com", "https://admin.example.com"])("answers a preflight from the listed origin %s with 204 and its own origin", async (origin) => {
    const res = await preflight(origin);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")).toContain("PATCH");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("vary")).toContain("Origin");
  });

  it("lets a listed origin read responses, errors included, with credentials", async () => {
    const res = await call("/auth/me", { headers: { origin: "https://app.example.com" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
    expect(await res.json()).toMatchObject({ code: "unauthorized" });
  });

  it.each([
    "https://evil.example",
    "https://app.example.com.evil.example",
    "https://evil.example/https://app.example.com",
    "http://app.example.com",
    "https://app.example.com:8443",
    "null",
    "*",
  ])("gives the unlisted origin %s no CORS header at all", async (origin) => {
    for (const res of [await call("/healthz", { headers: { origin } }), await preflight(origin), await call("/auth/me", { headers: { origin } })]) {
      expect(res.status).not.toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      expect(res.headers.get("vary")).toContain("Origin");
    }
  });

  it("answers no origin cross-origin when ALLOWED_ORIGINS is unset", async () => {
    const { ALLOWED_ORIGINS: _unset, ...bindings } = env;
    const res = await call("/healthz", { headers: { origin: "https://app.example.com" } }, bindings as Env);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("leaves same-origin requests (no Origin header) without CORS headers", async () => {
    const res = await call("/healthz");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("CORS for the original frontend on another origin (/api/v2)", () => {
  const origin = "https://app.example.com";

  /** A cross-origin answer the browser lets the page read. */
  function expectReadable(res: Response) {
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("vary")).toContain("Origin");
  }

  it.each([
    ["/api/v2/auth/register", "POST", "content-type"],
    ["/api/v2/auth/login", "POST", "content-type"],
    ["/api/v2/images/upload", "POST", "authorization"],
    ["/api/v2/images/list", "GET", "authorization"],
  ])("answers the preflight for %s (%s, %s) with 204", async (path, method, headers) => {
    const res = await preflight(origin, path, method, headers);
    expect(res.status).toBe(204);
    expectReadable(res);
    expect(res.headers.get("access-control-allow-methods")).toContain(method);
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(headers);
  });

  it("lets the page read every answer: register, login, a multipart upload with Authorization, the list and an error", async () => {
    const user = userInput();
    const json = (body: unknown) => ({ method: "POST", headers: { origin, "content-type": "application/json" }, body: JSON.stringify(body) });
    const registered = await call("/api/v2/auth/register", json(user));
    expect(registered.status).toBe(201);
    expectReadable(registered);
    const login = await call("/api/v2/auth/login", json({ email: user.email, password: user.password }));
    expectReadable(login);
    const { access_token } = await login.json<{ access_token: string }>();
    const authorization = `Bearer ${access_token}`;

    const form = new FormData();
    form.append("image", new File([await makePng(8, 8, [40, 90, 160])], "cross.png", { type: "image/png" }));
    const uploaded = await call("/api/v2/images/upload", { method: "POST", headers: { origin, authorization }, body: form });
    expect(uploaded.status).toBe(201);
    expectReadable(uploaded);

    const list = await call("/api/v2/images/list", { headers: { origin, authorization } });
    expectReadable(list);
    expect(list.headers.get("access-control-expose-headers")).toContain("X-List-Truncated");
    expect(await list.json()).toEqual([expect.objectContaining({ file_name: "cross.png" })]);

    const refused = await call("/api/v2/images/list", { headers: { origin } });
    expect(refused.status).toBe(401);
    expectReadable(refused);
  });

  it("gives an unlisted origin no CORS header on /api/v2 either", async () => {
    const res = await preflight("https://evil.example", "/api/v2/images/list", "GET", "authorization");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
