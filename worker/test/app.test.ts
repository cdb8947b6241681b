import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { AwsClient } from "aws4fetch";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import worker from "../index";
import { captureExpectedErrors } from "./helpers";
import { dbFault, s3Fault } from "./image-helpers";

const app = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`http://app.test${path}`, init));

/** /healthz through the worker with other bindings: how a test gets a database or a bucket of its own. */
async function healthWith(bindings: Env) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request("http://app.test/healthz"), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("app shell", () => {
  it("answers /healthz 200 when the database and the bucket are reachable", async () => {
    const res = await app("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", db: "ok", s3: "ok" });
  });

  // The health probe's `select 1` and bucket HEAD carry nothing of the test's own, and other
  // files call /healthz too: the faults are scoped to a connection string or a bucket only this test uses.
  it("says which dependency is down when the database fails", async () => {
    const name = `healthz-${crypto.randomUUID()}`;
    const databaseUrl = new URL(env.DATABASE_URL!);
    databaseUrl.searchParams.set("application_name", name);
    const bindings = { ...env, DATABASE_URL: databaseUrl.toString() } as Env;
    expect((await healthWith(bindings)).status).toBe(200);
    await dbFault({ connection: `application_name=${name}`, match: "select 1 as alive", faults: [{ type: "status", status: 500 }] });
    const res = await healthWith(bindings);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "degraded", db: "down", s3: "ok", code: "dependency_down" });
  });

  it("says which dependency is down when the bucket fails", async () => {
    const bucket = `healthz-${crypto.randomUUID().slice(0, 8)}`;
    const s3 = new AwsClient({ accessKeyId: inject("s3AccessKeyId"), secretAccessKey: inject("s3SecretAccessKey"), region: inject("s3Region"), service: "s3", retries: 0 });
    expect((await s3.fetch(`${inject("s3Endpoint")}/${bucket}`, { method: "PUT" })).status).toBe(200);
    const bindings = { ...env, S3_BUCKET_NAME: bucket } as Env;
    expect((await healthWith(bindings)).status).toBe(200);
    await s3Fault({ bucket, method: "HEAD", faults: [{ type: "status", status: 500 }, { type: "status", status: 500 }] }); // the client retries once
    const res = await healthWith(bindings);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ db: "ok", s3: "down", message: "object storage unreachable" });
  });

  it("answers /healthz/live 200 from the worker alone, without asking the database", async () => {
    const { default: worker } = await import("../index");
    const noDatabase = { ...env, NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql" }; // nothing listens there
    const live = await worker.fetch(new Request("http://app.test/healthz/live"), noDatabase, createExecutionContext());
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });
    const full = await worker.fetch(new Request("http://app.test/healthz"), noDatabase, createExecutionContext());
    expect(await full.json()).toMatchObject({ db: "down" });
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

  it.each(["not a url", "https://app.example.com, ftp://files.example.com", "https://app.example.com/path", "https://user@app.example.com"])(
    "refuses ALLOWED_ORIGINS entries that are not http(s) origins, naming the variable and not its value (%s)",
    async (origins) => {
      const { default: worker } = await import("../index");
      const res = await worker.fetch(new Request("http://app.test/healthz"), { ...env, ALLOWED_ORIGINS: origins }, createExecutionContext());
      expect(res.status).toBe(500);
      const body = await res.json<{ message: string; code: string }>();
      expect(body).toMatchObject({ code: "config_invalid", message: expect.stringContaining("ALLOWED_ORIGINS must be comma-separated http(s) origins") });
      expect(body.message).not.toContain(origins.split(",").at(-1)?.trim());
    },
  );

  it.each([
    ["IMAGES_INPUT_FORMATS", "image/jpeg, image/bmp", "must be comma-separated image types from"],
    ["IMAGES_MAX_INPUT_BYTES", "100MB", "must be a whole number"],
    ["IMAGES_MAX_INPUT_PIXELS", "0", "must be at least 1"],
    ["IMAGES_MAX_INPUT_SIDE", "-1", "must be a whole number"],
  ])("refuses %s=%j, naming the variable and not its value", async (name, value, problem) => {
    const logged = captureExpectedErrors(/^Invalid configuration: /);
    const res = await worker.fetch(new Request("http://app.test/healthz"), { ...env, [name]: value }, createExecutionContext());
    expect(res.status).toBe(500);
    const body = await res.json<{ message: string; code: string }>();
    expect(body).toMatchObject({ code: "config_invalid", message: expect.stringContaining(`${name} ${problem}`) });
    expect(body.message).not.toContain(value);
    expect(logged).toHaveLength(1);
  });

  it("lists every missing variable at once", async () => {
    const logged = captureExpectedErrors(/^Invalid configuration: /);
    const { DATABASE_URL: _db, S3_BUCKET_NAME: _bucket, ...rest } = env;
    const res = await worker.fetch(new Request("http://app.test/healthz"), rest as Env, createExecutionContext());
    const body = await res.json<{ message: string }>();
    expect(body.message).toContain("DATABASE_URL is required");
    expect(body.message).toContain("S3_BUCKET_NAME is required");
    expect(logged).toHaveLength(1);
  });
});
