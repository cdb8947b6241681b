import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { captureExpectedErrors } from "./helpers";

const app = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`http://app.test${path}`, init));

describe("app shell", () => {
  it("answers /healthz 200 when the database and the bucket are reachable", async () => {
    const res = await app("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", db: "ok", s3: "ok" });
  });

  it("says which dependency is down when the database fails", async () => {
    await fetch(new URL("/__admin/faults", inject("neonUrl")), {
      method: "POST",
      body: JSON.stringify({ match: "select 1 as alive", faults: [{ type: "status", status: 500 }] }),
    });
    const res = await app("/healthz");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "degraded", db: "down", s3: "ok", code: "dependency_down" });
  });

  it("says which dependency is down when the bucket fails", async () => {
    await fetch(new URL("/__admin/faults", inject("s3Endpoint")), {
      method: "POST",
      body: JSON.stringify({ method: "HEAD", faults: [{ type: "status", status: 500 }, { type: "status", status: 500 }] }), // the client retries once
    });
    const res = await app("/healthz");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ db: "ok", s3: "down", message: "object storage unreachable" });
  });

  it("answers unknown API paths with a JSON 404 and a request id", async () => {
    const res = await app("/auth/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toMatch(/\S{8,}/);
    expect(await res.json()).toEqual({ message: "No route for GET /auth/nope", code: "not_found" });
  });
});

describe("configuration", () => {
  afterEach(() => vi.restoreAllMocks());

  it("refuses a JWT secret under 32 bytes, naming the variable and not its value", async () => {
    const logged = captureExpectedErrors(/^Invalid configuration: /);
    const { default: worker } = await import("../index");
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("http://app.test/healthz"), { ...env, JWT_SECRET_KEY: "too-short-secret" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    const body = await res.json<{ message: string; code: string }>();
    expect(body.code).toBe("config_invalid");
    expect(body.message).toContain("JWT_SECRET_KEY must be at least 32 bytes");
    expect(body.message).not.toContain("too-short-secret");
    expect(logged).toEqual(["Invalid configuration: JWT_SECRET_KEY must be at least 32 bytes"]);
  });

  it("lists every missing variable at once", async () => {
    const logged = captureExpectedErrors(/^Invalid configuration: /);
    const { default: worker } = await import("../index");
    const { DATABASE_URL: _db, S3_BUCKET_NAME: _bucket, ...rest } = env;
    const res = await worker.fetch(new Request("http://app.test/healthz"), rest as Env, createExecutionContext());
    const body = await res.json<{ message: string }>();
    expect(body.message).toContain("DATABASE_URL is required");
    expect(body.message).toContain("S3_BUCKET_NAME is required");
    expect(logged).toHaveLength(1);
  });
});
