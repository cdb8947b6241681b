import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../index";
import { randomIp } from "../helpers";

const withOrigins = { ...env, ALLOWED_ORIGINS: " https://app.example.com, https://Admin.Example.com/ ,," } as Env;

async function call(path: string, init: RequestInit = {}, bindings: Env = withOrigins) {
  const headers = new Headers(init.headers);
  headers.set("cf-connecting-ip", randomIp());
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://api.test${path}`, { ...init, headers }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const preflight = (origin: string, path = "/images") =>
  call(path, { method: "OPTIONS", headers: { origin, "access-control-request-method": "PATCH", "access-control-request-headers": "authorization, content-type" } });

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
