import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { hc, InferResponseType } from "hono/client";
import { inject } from "vitest";
import type { AppType } from "../app-type";
import worker from "../index";
import { app, bearer, eventually, randomIp } from "./helpers";

export interface FilePart {
  bytes: Uint8Array;
  name?: string;
  type?: string;
}

/** POST /images/upload as a browser would: multipart, field `image` unless told otherwise. */
export function upload(token: string, parts: FilePart | FilePart[], field = "image") {
  return app("/images/upload", { method: "POST", headers: bearer(token), body: uploadForm(parts, field) });
}

function uploadForm(parts: FilePart | FilePart[], field: string) {
  const form = new FormData();
  for (const part of Array.isArray(parts) ? parts : [parts]) {
    form.append(field, new File([part.bytes], part.name ?? "photo.png", { type: part.type ?? "application/octet-stream" }));
  }
  return form;
}

/**
 * Uploads through the worker with other bindings; the analysis it starts runs in `ctx`
 * with those bindings (await `waitOnExecutionContext(ctx)` to wait for it).
 */
export async function uploadWithBindings(bindings: Env, token: string, part: FilePart) {
  const ctx = createExecutionContext();
  const headers = { ...bearer(token), "cf-connecting-ip": randomIp() };
  const res = await worker.fetch(new Request("https://app.test/images/upload", { method: "POST", headers, body: uploadForm(part, "image") }), bindings, ctx);
  return { res, ctx };
}

type Client = ReturnType<typeof hc<AppType>>;

/** GET /images/:id as the worker types it (AppType, the web app's source too), not a copy. */
export type ImageBody = InferResponseType<Client["images"][":id"]["$get"], 200>;

export async function uploadOk(token: string, part: FilePart): Promise<ImageBody> {
  const res = await upload(token, part);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return (await res.json<{ image: ImageBody }>()).image;
}

/** The stand-ins' admin routes answer only with this run's token. */
const admin = () => ({ "x-admin-token": inject("adminToken") });

/** What the bucket holds under a prefix, read through the stand-in's admin API (no signing). */
export async function storedObjects(prefix: string): Promise<{ key: string; size: number }[]> {
  const res = await fetch(`${inject("s3Endpoint")}/__admin/objects?prefix=${encodeURIComponent(prefix)}`, { headers: admin() });
  return (await res.json<{ objects: { key: string; size: number }[] }>()).objects;
}

/** The requests the S3 stand-in answered for keys under a prefix, oldest first. */
export async function s3Requests(prefix: string): Promise<{ method: string; key: string; status: number | "dropped"; at: string }[]> {
  const res = await fetch(`${inject("s3Endpoint")}/__admin/requests?prefix=${encodeURIComponent(prefix)}`, { headers: admin() });
  return (await res.json<{ requests: { method: string; key: string; status: number | "dropped"; at: string }[] }>()).requests;
}

export async function s3Fault(rule: Record<string, unknown>) {
  const res = await fetch(`${inject("s3Endpoint")}/__admin/faults`, { method: "POST", headers: admin(), body: JSON.stringify(rule) });
  if (res.status !== 204) throw new Error(`s3 fault refused: ${await res.text()}`);
}

export async function dbFault(rule: Record<string, unknown>) {
  const res = await fetch(new URL("/__admin/faults", inject("neonUrl")), { method: "POST", headers: admin(), body: JSON.stringify(rule) });
  if (res.status !== 204) throw new Error(`db fault refused: ${await res.text()}`);
}

export async function sha256Hex(bytes: Uint8Array) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function geminiFault(rule: Record<string, unknown>) {
  const res = await fetch(`${inject("geminiUrl")}/__admin/faults`, { method: "POST", headers: admin(), body: JSON.stringify(rule) });
  if (res.status !== 204) throw new Error(`gemini fault refused: ${await res.text()}`);
}

/** The suite's 2 s Gemini timeout would cut a held answer short; with these bindings the worker waits as long as a test holds it. */
export const patientGemini = { ...env, GEMINI_TIMEOUT_MS: "20000" } as Env;

/** Lets the stand-in answer the requests a `{type: "hold"}` fault is holding for this image. */
export async function releaseGemini(sha256: string): Promise<number> {
  const res = await fetch(`${inject("geminiUrl")}/__admin/release?sha256=${sha256}`, { method: "POST", headers: admin() });
  if (res.status !== 200) throw new Error(`gemini release refused: ${await res.text()}`);
  return (await res.json<{ released: number }>()).released;
}

/** Waits until Gemini has a request for this image that it has not answered yet. */
export function geminiIsWorkingOn(sha256: string) {
  return eventually(async () => {
    const outcomes = (await geminiCalls(sha256)).map((call) => call.outcome);
    if (outcomes.at(-1) !== "pending") throw new Error(`Gemini calls for the image: ${outcomes.join(", ") || "none"}`);
  });
}

export interface GeminiCall {
  at: string;
  model: string;
  sha256: string;
  apiKeyInHeader: boolean;
  urlHadKey: boolean;
  outcome: string;
}

export async function geminiCalls(sha256: string): Promise<GeminiCall[]> {
  const res = await fetch(`${inject("geminiUrl")}/__admin/requests?sha256=${sha256}`, { headers: admin() });
  return (await res.json<{ requests: GeminiCall[] }>()).requests;
}

export async function getImage(token: string, id: string) {
  const res = await app(`/images/${id}`, { headers: bearer(token) });
  if (res.status !== 200) throw new Error(`GET /images/${id}: ${res.status}`);
  return res.json<ImageBody>();
}

/**
 * Polls the image until its analysis reaches one of `statuses` and, when given, that many
 * attempts (a failure with a retry still to come is also `failed`).
 */
export function analysisReaches(
  token: string,
  id: string,
  statuses: string[],
  opts: { attempts?: number; timeoutMs?: number; errorIs?: string } = {},
) {
  return eventually(async () => {
    const image = await getImage(token, id);
    if (!statuses.includes(image.analysis_status)) throw new Error(`analysis_status is ${image.analysis_status}`);
    if (opts.errorIs !== undefined && image.analysis_error !== opts.errorIs) throw new Error(`analysis_error is ${image.analysis_error}`);
    if (opts.attempts !== undefined && image.analysis_attempts !== opts.attempts) {
      throw new Error(`analysis_attempts is ${image.analysis_attempts}`);
    }
    return image;
  }, { timeoutMs: opts.timeoutMs ?? 15_000 });
}
