import type { BenchContext } from "./context";

/** The local stand-ins' admin APIs, for slowing one dependency down on purpose. */
type StandIns = Pick<BenchContext, "geminiUrl" | "s3Endpoint" | "neonUrl" | "adminToken">;

async function admin(stand: StandIns, url: string, method: "POST" | "DELETE" | "GET", body?: object) {
  const res = await fetch(url, {
    method,
    headers: { "x-admin-token": stand.adminToken, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
  return res.status === 204 ? undefined : ((await res.json()) as unknown);
}

/** The Gemini stand-in's delay before every answer; 0 clears it. */
export const setGeminiLatency = (stand: StandIns, ms: number) =>
  ms
    ? admin(stand, `${stand.geminiUrl}/__admin/faults`, "POST", { persistent: { type: "latency", ms } })
    : admin(stand, `${stand.geminiUrl}/__admin/faults`, "DELETE");

/** How many generateContent calls the Gemini stand-in has received so far (up to the 1,000 it keeps). */
export const geminiRequestCount = async (stand: StandIns) => (await geminiRequests(stand)).length;

/** Holds every PUT under `keyPrefix` for `ms` before the gate reads its body; 0 clears every S3 fault. */
export const setS3PutLatency = (stand: StandIns, keyPrefix: string, ms: number) =>
  ms
    ? admin(stand, `${stand.s3Endpoint}/__admin/faults`, "POST", { method: "PUT", keyPrefix, persistent: { type: "latency", ms } })
    : admin(stand, `${stand.s3Endpoint}/__admin/faults`, "DELETE");

/** A network's round trip at the database and the bucket (scripts/local/latency.ts), for the worker and the direct side alike. */
export async function setNetworkLatency(stand: StandIns, ms: { neon: number; s3: number }) {
  await admin(stand, new URL("/__admin/latency", stand.neonUrl).toString(), "POST", { ms: ms.neon });
  await admin(stand, `${stand.s3Endpoint}/__admin/latency`, "POST", { ms: ms.s3 });
}

/** A request the S3 stand-in answered (scripts/local/s3/request-log.ts): for a bucket-level listing, `key` is its prefix. */
export interface S3Request {
  method: string;
  key: string;
  status: number | "dropped";
  at: string;
}

/** The S3 stand-in's requests on keys under `prefix`, oldest first (its newest 5,000 are kept). */
export const s3Requests = async (stand: StandIns, prefix: string) =>
  ((await admin(stand, `${stand.s3Endpoint}/__admin/requests?prefix=${encodeURIComponent(prefix)}`, "GET")) as { requests: S3Request[] }).requests;

/** The objects stored under `prefix`, read from the stand-in's storage. */
export const s3Objects = async (stand: StandIns, prefix: string) =>
  ((await admin(stand, `${stand.s3Endpoint}/__admin/objects?prefix=${encodeURIComponent(prefix)}`, "GET")) as { objects: { key: string; size: number }[] }).objects;

/** A generateContent call as the Gemini stand-in logged it (scripts/local/gemini/request-log.ts). */
export interface GeminiRequest {
  at: string;
  sha256: string | null;
  mimeType: string | null;
  bytes: number;
  width: number | null;
  height: number | null;
  outcome: string;
  usage: { promptTokenCount: number; candidatesTokenCount: number; promptTokensDetails?: { modality: string; tokenCount: number }[] } | null;
}

/** The Gemini stand-in's calls so far, oldest first (its newest 1,000 are kept). */
export const geminiRequests = async (stand: StandIns) =>
  ((await admin(stand, `${stand.geminiUrl}/__admin/requests`, "GET")) as { requests: GeminiRequest[] }).requests;
