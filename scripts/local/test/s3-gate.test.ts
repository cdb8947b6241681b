import { describe, expect, it } from "vitest";
import { addFaults, admin, bucket, client, endpoint, errorCode, newPrefix, objectUrl, presign, s3, storedKeys } from "./s3-test-client";

async function put(key: string, body: string | Uint8Array = "hello", headers: HeadersInit = {}) {
  return s3.fetch(objectUrl(key), { method: "PUT", body, headers });
}

async function sha256(body: string, encoding: "hex" | "base64"): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  return encoding === "hex" ? [...digest].map((b) => b.toString(16).padStart(2, "0")).join("") : btoa(String.fromCharCode(...digest));
}

describe("S3 gate: signed requests", () => {
  it("stores a signed PUT and returns the exact bytes, content type and disposition on GET", async () => {
    const key = `${newPrefix()}/photo.png`;
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);
    const disposition = 'inline; filename="photo.png"';
    expect((await put(key, bytes, { "content-type": "image/png", "content-disposition": disposition })).status).toBe(200);

    const res = await s3.fetch(objectUrl(key));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toBe(disposition);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it("verifies keys with spaces, parentheses and unicode", async () => {
    const key = `${newPrefix()}/my photo (1) ü 日本.jpg`;
    expect((await put(key, "unicode")).status).toBe(200);
    const res = await s3.fetch(objectUrl(key));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("unicode");
  });

  it("rejects a request signed with the wrong secret with 403 SignatureDoesNotMatch", async () => {
    const key = `${newPrefix()}/a.txt`;
    await put(key);
    const res = await client({ secretAccessKey: "not-the-secret" }).fetch(objectUrl(key));
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("SignatureDoesNotMatch");
  });

  it("rejects an unknown access key id with 403 InvalidAccessKeyId", async () => {
    const res = await client({ accessKeyId: "AKIDUNKNOWN" }).fetch(objectUrl(`${newPrefix()}/a.txt`));
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("InvalidAccessKeyId");
  });

  it("keeps the bucket private: an unsigned GET of an existing object is 403 AccessDenied", async () => {
    const key = `${newPrefix()}/private.txt`;
    await put(key);
    const res = await fetch(objectUrl(key));
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("AccessDenied");
  });

  it("rejects a body that does not match x-amz-content-sha256 with 400", async () => {
    const prefix = newPrefix();
    const res = await put(`${prefix}/a.txt`, "actual body", { "x-amz-content-sha256": await sha256("declared body", "hex") });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("XAmzContentSHA256Mismatch");
    expect(await storedKeys(prefix)).toEqual([]);
  });

  it("accepts a body matching its x-amz-content-sha256 and x-amz-checksum-sha256", async () => {
    const key = `${newPrefix()}/a.txt`;
    const res = await put(key, "body", {
      "x-amz-content-sha256": await sha256("body", "hex"),
      "x-amz-checksum-sha256": await sha256("body", "base64"),
    });
    expect(res.status).toBe(200);
    expect(await (await s3.fetch(objectUrl(key))).text()).toBe("body");
  });

  it("rejects a wrong x-amz-checksum-sha256 with 400 BadDigest and stores nothing", async () => {
    const prefix = newPrefix();
    const res = await put(`${prefix}/a.txt`, "body", { "x-amz-checksum-sha256": await sha256("other", "base64") });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("BadDigest");
    expect(await storedKeys(prefix)).toEqual([]);
  });

  it("lists objects under a prefix with ListObjectsV2", async () => {
    const prefix = newPrefix();
    await put(`${prefix}/one.txt`);
    await put(`${prefix}/two.txt`);
    await put(`${newPrefix()}/elsewhere.txt`);
    const res = await s3.fetch(`${endpoint}/${bucket}?list-type=2&prefix=${encodeURIComponent(`${prefix}/`)}`);
    expect(res.status).toBe(200);
    const keys = [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((match) => match[1]);
    expect(keys).toEqual([`${prefix}/one.txt`, `${prefix}/two.txt`]);
  });

  it("deletes an object, after which GET is 404 NoSuchKey", async () => {
    const key = `${newPrefix()}/gone.txt`;
    await put(key);
    expect((await s3.fetch(objectUrl(key), { method: "DELETE" })).status).toBe(204);
    const res = await s3.fetch(objectUrl(key));
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe("NoSuchKey");
  });

  // A delete that empties a key's "folder" removes its directory; a PUT into the same folder at
  // that moment once crashed the whole stand-in process (an ENOENT with no listener).
  it("stores PUTs racing deletes under the same prefix, and stays up", async () => {
    const prefix = newPrefix();
    for (let round = 0; round < 40; round++) {
      const original = `${prefix}/${round}/photo.png`;
      expect((await put(original)).status).toBe(200);
      const [deleted, stored] = await Promise.all([s3.fetch(objectUrl(original), { method: "DELETE" }), put(`${original}.thumb.webp`, "thumb")]);
      expect(deleted.status).toBe(204);
      expect(stored.status).toBe(200);
    }
    expect((await storedKeys(`${prefix}/`)).length).toBe(40);
  });
});

describe("S3 gate: presigned URLs", () => {
  it("serves a presigned GET", async () => {
    const key = `${newPrefix()}/shared (copy).txt`;
    await put(key, "shared");
    const res = await fetch(await presign(key));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("shared");
  });

  it("rejects a presigned URL whose key was changed", async () => {
    const prefix = newPrefix();
    await put(`${prefix}/mine.txt`);
    await put(`${prefix}/other.txt`);
    const url = await presign(`${prefix}/mine.txt`);
    url.pathname = url.pathname.replace("mine.txt", "other.txt");
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("SignatureDoesNotMatch");
  });

  it("rejects a presigned URL whose expiry was extended", async () => {
    const key = `${newPrefix()}/a.txt`;
    await put(key);
    const url = await presign(key, { expires: "60" });
    url.searchParams.set("X-Amz-Expires", "604800");
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("SignatureDoesNotMatch");
  });

  it("rejects an expired presigned URL with 403 AccessDenied", async () => {
    const key = `${newPrefix()}/a.txt`;
    await put(key);
    const res = await fetch(await presign(key, { datetime: "20200101T000000Z" }));
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(body).toContain("<Code>AccessDenied</Code>");
    expect(body).toContain("Request has expired");
  });
});

describe("S3 gate: fault switches", () => {
  it("fails one PUT under a prefix with 500, leaving other methods and prefixes alone", async () => {
    const prefix = newPrefix();
    await put(`${prefix}/faulty/existing.txt`, "before");
    await addFaults({ method: "PUT", keyPrefix: `${prefix}/faulty/`, faults: [{ type: "status", status: 500 }] });

    expect((await s3.fetch(objectUrl(`${prefix}/faulty/existing.txt`))).status).toBe(200);
    expect((await put(`${prefix}/healthy/a.txt`)).status).toBe(200);
    const failed = await put(`${prefix}/faulty/a.txt`);
    expect(failed.status).toBe(500);
    expect(await errorCode(failed)).toBe("InternalError");
    expect(await storedKeys(`${prefix}/faulty/a.txt`)).toEqual([]);

    expect((await put(`${prefix}/faulty/a.txt`)).status).toBe(200);
  });

  it("drops the connection for a 'down' fault, then serves normally", async () => {
    const prefix = newPrefix();
    await addFaults({ keyPrefix: prefix, faults: [{ type: "down" }] });
    await expect(put(`${prefix}/a.txt`)).rejects.toThrow();
    expect((await put(`${prefix}/a.txt`)).status).toBe(200);
  });

  it("applies faults in order: 503 SlowDown, then latency, then normal service", async () => {
    const prefix = newPrefix();
    await addFaults({ keyPrefix: prefix, faults: [{ type: "status", status: 503 }, { type: "latency", ms: 20 }] });
    const slowDown = await put(`${prefix}/a.txt`);
    expect(slowDown.status).toBe(503);
    expect(await errorCode(slowDown)).toBe("SlowDown");
    expect((await put(`${prefix}/a.txt`, "delayed")).status).toBe(200);
    expect(await (await s3.fetch(objectUrl(`${prefix}/a.txt`))).text()).toBe("delayed");
  });

  it("faults a request that names no key only in the bucket the rule names", async () => {
    const ownBucket = `scoped-${crypto.randomUUID().slice(0, 8)}`;
    expect((await s3.fetch(`${endpoint}/${ownBucket}`, { method: "PUT" })).status).toBe(200);
    await addFaults({ bucket: ownBucket, method: "HEAD", faults: [{ type: "status", status: 500 }] });
    expect((await s3.fetch(`${endpoint}/${bucket}`, { method: "HEAD" })).status).toBe(200);
    expect((await s3.fetch(`${endpoint}/${ownBucket}`, { method: "HEAD" })).status).toBe(500);
    expect((await s3.fetch(`${endpoint}/${ownBucket}`, { method: "HEAD" })).status).toBe(200);
  });

  it("keeps a persistent fault for every matching request", async () => {
    const prefix = newPrefix();
    await addFaults({ method: "GET", keyPrefix: prefix, persistent: { type: "status", status: 503 } });
    expect((await s3.fetch(objectUrl(`${prefix}/a.txt`))).status).toBe(503);
    expect((await s3.fetch(objectUrl(`${prefix}/b.txt`))).status).toBe(503);
  });

  it("rejects a malformed fault rule with 400", async () => {
    const res = await fetch(`${endpoint}/__admin/faults`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ faults: [{ type: "status", status: 418 }] }),
    });
    expect(res.status).toBe(400);
  });
});
