import { expect } from "vitest";
import { app, bearer, eventually, json } from "./helpers";

/** Where a test sends Companion's routes: /uploads with a bearer token, or a capability endpoint with none. */
export type UploadVia = { token: string } | { endpoint: string };

const base = (via: UploadVia) => ("endpoint" in via ? via.endpoint : "/uploads");
const auth = (via: UploadVia): Record<string, string> => ("token" in via ? bearer(via.token) : {});

export function companion(via: UploadVia, path: string, init: RequestInit = {}) {
  return app(`${base(via)}${path}`, { ...init, headers: { ...auth(via), ...Object.fromEntries(new Headers(init.headers)) } });
}

export async function createUpload(via: UploadVia, body: Record<string, unknown>) {
  const res = await companion(via, "/s3/multipart", json(body));
  if (res.status !== 200) throw new Error(`create: ${res.status} ${await res.text()}`);
  return res.json<{ key: string; uploadId: string }>();
}

const keyParam = (key: string) => `?${new URLSearchParams({ key })}`;

/** Signs part `partNumber` and PUTs `bytes` to the bucket as a browser would; answers the part's ETag. */
export async function sendPart(via: UploadVia, upload: { key: string; uploadId: string }, partNumber: number, bytes: Uint8Array) {
  const res = await companion(via, `/s3/multipart/${encodeURIComponent(upload.uploadId)}/${partNumber}${keyParam(upload.key)}`);
  if (res.status !== 200) throw new Error(`sign part: ${res.status} ${await res.text()}`);
  const { url } = await res.json<{ url: string }>();
  const put = await fetch(url, { method: "PUT", body: bytes });
  if (!put.ok) throw new Error(`part PUT: ${put.status} ${await put.text()}`);
  return put.headers.get("etag") ?? "";
}

export function listUploadParts(via: UploadVia, upload: { key: string; uploadId: string }) {
  return companion(via, `/s3/multipart/${encodeURIComponent(upload.uploadId)}${keyParam(upload.key)}`);
}

export function completeUpload(via: UploadVia, upload: { key: string; uploadId: string }, parts: { PartNumber: number; ETag: string }[]) {
  return companion(via, `/s3/multipart/${encodeURIComponent(upload.uploadId)}/complete${keyParam(upload.key)}`, json({ parts }));
}

export function abortUpload(via: UploadVia, upload: { key: string; uploadId: string }) {
  return companion(via, `/s3/multipart/${encodeURIComponent(upload.uploadId)}${keyParam(upload.key)}`, { method: "DELETE" });
}

/** The whole protocol for one file, parts of `partSize`: create, send every part, complete. Answers the completion. */
export async function uploadDirect(
  via: UploadVia,
  file: { bytes: Uint8Array; name: string; type: string },
  partSize = 5 * 1024 * 1024,
  metadata: Record<string, unknown> = {},
) {
  const upload = await createUpload(via, { filename: file.name, type: file.type, metadata: { size: file.bytes.length, ...metadata } });
  const parts: { PartNumber: number; ETag: string }[] = [];
  for (let offset = 0, n = 1; offset < file.bytes.length || n === 1; offset += partSize, n++) {
    parts.push({ PartNumber: n, ETag: await sendPart(via, upload, n, file.bytes.subarray(offset, offset + partSize)) });
  }
  const res = await completeUpload(via, upload, parts);
  if (res.status !== 200) throw new Error(`complete: ${res.status} ${await res.text()}`);
  return { upload, completed: await res.json<{ location: string; key: string; upload_id: string }>() };
}

/** An upload capability for this access token: the endpoint Uppy would be given. */
export async function capabilityEndpoint(token: string) {
  const res = await app("/uploads/capability", { method: "POST", headers: bearer(token) });
  if (res.status !== 201) throw new Error(`capability: ${res.status} ${await res.text()}`);
  return (await res.json<{ endpoint: string }>()).endpoint;
}

async function uploadStatus(token: string, location: string) {
  const res = await app(location, { headers: bearer(token) });
  expect(res.status).toBe(200);
  return res.json<{ status: string; image_id: string | null; error: string | null; duplicate: boolean }>();
}

/** Polls GET /uploads/:id until the upload is done or failed. */
export function uploadSettles(token: string, location: string, statuses = ["done", "failed"]) {
  return eventually(
    async () => {
      const status = await uploadStatus(token, location);
      if (!statuses.includes(status.status)) throw new Error(`upload is ${status.status}`);
      return status;
    },
    { timeoutMs: 60_000 },
  );
}

