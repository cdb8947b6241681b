import { describe, expect, it } from "vitest";
import { createUpload, endpoint, errorCode, newPrefix, objectUrl, presign, s3 } from "./s3-test-client";

// The bucket's CORS rule as the gate applies it (scripts/local/s3/cors.ts): a browser on the app's
// origin PUTs parts to presigned URLs and reads each part's ETag.
const appOrigin = "http://127.0.0.1:8787";

const preflight = (url: string, origin: string, method: string, headers = "content-type") =>
  fetch(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers } });

describe("S3 gate: CORS for browsers", () => {
  it("answers a preflight for a PUT from the app's origin, allowing the headers asked for", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const url = await presign(key, { method: "PUT", query: { partNumber: "1", uploadId: await createUpload(key) } });
    const res = await preflight(url.toString(), appOrigin, "PUT", "content-type,x-custom");
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(appOrigin);
    expect(res.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(res.headers.get("access-control-allow-headers")).toBe("content-type,x-custom");
    expect(res.headers.get("access-control-expose-headers")).toBe("ETag");
  });

  it("exposes the ETag of a part PUT to a presigned URL from the app's origin", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const url = await presign(key, { method: "PUT", query: { partNumber: "1", uploadId: await createUpload(key) } });
    const res = await fetch(url, { method: "PUT", body: "part", headers: { origin: "http://localhost:5173", "content-type": "image/jpeg" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(res.headers.get("access-control-expose-headers")).toBe("ETag");
  });

  it("keeps CORS headers on an error, so the page can read why a part failed", async () => {
    const key = `${newPrefix()}/photo.jpg`;
    const url = await presign(key, { method: "PUT", query: { partNumber: "1", uploadId: "0".repeat(32) } });
    const res = await fetch(url, { method: "PUT", body: "part", headers: { origin: appOrigin } });
    expect(res.status).toBe(404);
    expect(res.headers.get("access-control-allow-origin")).toBe(appOrigin);
    expect(await errorCode(res)).toBe("NoSuchUpload");
  });

  it.each([
    ["an origin off this machine", "https://evil.example", "PUT"],
    ["a method the rule does not allow", appOrigin, "GET"],
  ])("refuses a preflight from %s with 403", async (_, origin, method) => {
    const res = await preflight(objectUrl(`${newPrefix()}/photo.jpg`), origin, method);
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(await errorCode(res)).toBe("AccessForbidden");
  });

  it("gives the app's origin no way into the admin routes: their preflight still fails", async () => {
    const res = await preflight(`${endpoint}/__admin/faults`, appOrigin, "PUT", "x-admin-token");
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sends no CORS headers for an origin or a method the rule does not allow (a page cannot read objects with fetch)", async () => {
    const key = `${newPrefix()}/a.txt`;
    await s3.fetch(objectUrl(key), { method: "PUT", body: "a" });
    for (const origin of ["https://evil.example", appOrigin]) {
      const res = await fetch(await presign(key), { headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});
