import { setTimeout as sleep } from "node:timers/promises";
import { pacedRequest, type Uplink } from "./paced";
import { mib } from "./plan";

/**
 * A direct upload from Node, as a client of the Companion routes does it (docs/api.md, "Direct
 * uploads"; the SPA's web/src/lib/upload-send.ts): create, sign each part just before PUTting it
 * to the bucket, complete, then follow GET /uploads/:id.
 */

/** The SPA's part size for any file under 50 GB (web/src/lib/upload-parts.ts), R2's smallest. */
export const partBytes = 5 * mib;

export interface DirectUpload {
  key: string;
  uploadId: string;
}

export interface SentPart {
  PartNumber: number;
  ETag: string;
}

/** Where the routes are and whose they are: the worker's own listener and a bearer token. */
export interface UploadSession {
  baseUrl: string;
  token: string;
}

const partPath = (upload: DirectUpload, suffix = "") =>
  `/uploads/s3/multipart/${encodeURIComponent(upload.uploadId)}${suffix}?${new URLSearchParams({ key: upload.key })}`;

async function companion<T>(session: UploadSession, path: string, init: RequestInit = {}): Promise<T> {
  const headers = { authorization: `Bearer ${session.token}`, ...(init.body ? { "content-type": "application/json" } : {}) };
  const res = await fetch(`${session.baseUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${init.method ?? "GET"} ${path.split("?")[0]} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Kept from the AI (no_ai) unless asked: these cases time the upload and its renditions, not Gemini. */
export const createUpload = (session: UploadSession, file: { name: string; type: string; size: number }, noAi = true) =>
  companion<DirectUpload>(session, "/uploads/s3/multipart", {
    method: "POST",
    body: JSON.stringify({ filename: file.name, type: file.type, metadata: { size: file.size, no_ai: noAi } }),
  });

export const signPart = async (session: UploadSession, upload: DirectUpload, partNumber: number) =>
  (await companion<{ url: string }>(session, partPath(upload, `/${partNumber}`))).url;

export const completeUpload = (session: UploadSession, upload: DirectUpload, parts: SentPart[]) =>
  companion<{ location: string; upload_id: string }>(session, partPath(upload, "/complete"), { method: "POST", body: JSON.stringify({ parts }) });

/** One part to its presigned URL at loopback speed, or over `link` when given; answers its ETag. */
export async function putPart(url: string, body: Buffer, link?: Uplink): Promise<string> {
  if (link) {
    const res = await pacedRequest(url, { method: "PUT", headers: {}, body }, link);
    const etag = res.headers.etag;
    if (res.status !== 200 || typeof etag !== "string") throw new Error(`part PUT answered ${res.status}: ${res.text.slice(0, 300)}`);
    return etag;
  }
  const res = await fetch(url, { method: "PUT", body });
  const etag = res.headers.get("etag");
  if (res.status !== 200 || !etag) throw new Error(`part PUT answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  await res.arrayBuffer();
  return etag;
}

/** Part `n` (1-based) of `bytes`. */
export const partOf = (bytes: Buffer, n: number) => bytes.subarray((n - 1) * partBytes, n * partBytes);

export const partCount = (size: number) => Math.max(1, Math.ceil(size / partBytes));

/** The whole protocol for one file held in memory, its parts one after another; answers the completion. */
export async function uploadDirect(session: UploadSession, file: { name: string; type: string; bytes: Buffer }) {
  const upload = await createUpload(session, { name: file.name, type: file.type, size: file.bytes.length });
  const parts: SentPart[] = [];
  for (let n = 1; n <= partCount(file.bytes.length); n++) {
    parts.push({ PartNumber: n, ETag: await putPart(await signPart(session, upload, n), partOf(file.bytes, n)) });
  }
  return completeUpload(session, upload, parts);
}

export interface UploadState {
  status: string;
  image_id: string | null;
  error: string | null;
}

export const uploadState = (session: UploadSession, location: string) => companion<UploadState>(session, location);

/** Polls GET /uploads/:id every `pollMs` until it is done or failed (`timeoutMs` at most). */
export async function uploadSettles(session: UploadSession, location: string, pollMs = 100, timeoutMs = 180_000): Promise<UploadState> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const state = await uploadState(session, location);
    if (state.status === "done" || state.status === "failed" || state.status === "aborted") return state;
    if (performance.now() > deadline) throw new Error(`upload ${location} still ${state.status} after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}
