import type { AwsClient } from "aws4fetch";
import type { Config } from "../env";
import { AppError } from "../lib/errors";
import { presignS3Get } from "../lib/sigv4-presign";

export type S3Location = Pick<Config, "S3_ENDPOINT" | "S3_BUCKET_NAME" | "S3_REGION">;
export interface StoreDeps {
  config: S3Location & Pick<Config, "FILE_URL_TTL" | "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY">;
  s3: AwsClient;
}

export const requestTimeoutMs = 15_000;

/** Path-style under a custom endpoint (local stand-in, R2, MinIO); virtual-hosted on AWS. */
export function bucketUrl(config: S3Location): string {
  if (config.S3_ENDPOINT) return `${config.S3_ENDPOINT.replace(/\/+$/, "")}/${config.S3_BUCKET_NAME}`;
  return `https://${config.S3_BUCKET_NAME}.s3.${config.S3_REGION}.amazonaws.com`;
}

export function objectUrl(config: S3Location, key: string): string {
  return `${bucketUrl(config)}/${key.split("/").map(encodeRfc3986).join("/")}`;
}

const encodeRfc3986 = (segment: string) =>
  encodeURIComponent(segment).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

export const storageUnavailable = (cause?: unknown) =>
  new AppError(503, "storage_unavailable", "Image storage is unavailable; try again shortly", {
    cause,
    headers: { "Retry-After": "5" },
  });

/** Stores bytes with their checksum, so the bucket refuses anything altered on the way. */
export async function putObject(
  deps: StoreDeps,
  key: string,
  body: Uint8Array,
  meta: { contentType: string; fileName: string; sha256Hex: string; cacheControl?: string },
) {
  const res = await deps.s3
    .fetch(objectUrl(deps.config, key), {
      method: "PUT",
      body,
      headers: {
        "content-type": meta.contentType,
        "content-disposition": contentDisposition(meta.fileName),
        "x-amz-content-sha256": meta.sha256Hex,
        "x-amz-checksum-sha256": hexToBase64(meta.sha256Hex),
        ...(meta.cacheControl ? { "cache-control": meta.cacheControl } : {}),
      },
      signal: AbortSignal.timeout(requestTimeoutMs),
    })
    .catch((error: unknown) => {
      throw storageUnavailable(error);
    });
  if (!res.ok) throw storageUnavailable(new Error(`S3 PUT answered ${res.status}`));
}

export async function getObjectBytes(deps: StoreDeps, key: string): Promise<Uint8Array> {
  return new Uint8Array(await (await getObject(deps, key)).arrayBuffer());
}

async function getObject(deps: StoreDeps, key: string) {
  const res = await deps.s3
    .fetch(objectUrl(deps.config, key), { signal: AbortSignal.timeout(requestTimeoutMs) })
    .catch((error: unknown) => {
      throw storageUnavailable(error);
    });
  if (!res.ok) throw storageUnavailable(new Error(`S3 GET answered ${res.status}`));
  return res;
}

/**
 * The object's bytes as a stream, for a consumer that should not hold all of it at once (a
 * viewer of a share link, the Images binding). The timeout covers the answer's headers only:
 * a slow reader may take longer.
 */
export async function getObjectStream(deps: StoreDeps, key: string): Promise<{ body: ReadableStream<Uint8Array>; size: string | null }> {
  const headersArrived = new AbortController();
  const timer = setTimeout(() => headersArrived.abort(), requestTimeoutMs);
  const res = await deps.s3
    .fetch(objectUrl(deps.config, key), { signal: headersArrived.signal })
    .catch((error: unknown) => {
      throw storageUnavailable(error);
    })
    .finally(() => clearTimeout(timer));
  if (!res.ok || !res.body) throw storageUnavailable(new Error(`S3 GET answered ${res.status}`));
  return { body: res.body, size: res.headers.get("content-length") };
}

/**
 * An object's bytes as a stream, for passing on without holding them (ZIP downloads); null when
 * the object is gone. The timeout covers the answer's headers only: a slow reader may take longer.
 */
export async function openObject(deps: StoreDeps, key: string): Promise<ReadableStream<Uint8Array> | null> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error("S3 GET timed out")), requestTimeoutMs);
  const res = await deps.s3
    .fetch(objectUrl(deps.config, key), { signal: abort.signal })
    .catch((error: unknown) => {
      throw storageUnavailable(error);
    })
    .finally(() => clearTimeout(timer));
  if (res.ok && res.body) return res.body;
  await res.body?.cancel();
  if (res.status === 404) return null;
  throw storageUnavailable(new Error(`S3 GET answered ${res.status}`));
}

/** Deleting a missing object is success: the goal is that it is gone. */
export async function deleteObject(deps: StoreDeps, key: string) {
  const res = await deps.s3.fetch(objectUrl(deps.config, key), {
    method: "DELETE",
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  if (!res.ok && res.status !== 404) throw new Error(`S3 DELETE answered ${res.status}`);
}

/**
 * Copies an object within the bucket (server side, nothing passes through the worker); false
 * when the source is missing, which a move redone after a crash meets for what it already moved.
 */
export async function copyObject(deps: StoreDeps, from: string, to: string): Promise<boolean> {
  const source = `/${deps.config.S3_BUCKET_NAME}/${from.split("/").map(encodeRfc3986).join("/")}`;
  const res = await deps.s3
    .fetch(objectUrl(deps.config, to), { method: "PUT", headers: { "x-amz-copy-source": source }, signal: AbortSignal.timeout(requestTimeoutMs) })
    .catch((error: unknown) => {
      throw storageUnavailable(error);
    });
  // S3 may answer 200 with an <Error> body when a copy fails after it started.
  const body = await res.text();
  if (res.status === 404) return false;
  if (!res.ok || body.includes("<Error>")) throw storageUnavailable(new Error(`S3 COPY answered ${res.status}`));
  return true;
}

/** A GET URL valid for FILE_URL_TTL seconds; X-Amz-Expires is set before signing (aws4fetch defaults to 24 h). */
export async function presignGet(deps: StoreDeps, key: string, now = Date.now()) {
  return { url: await presign(deps, key, now, deps.config.FILE_URL_TTL), expiresAt: new Date(now + deps.config.FILE_URL_TTL * 1000) };
}

/** How long one signed URL of an immutable object (a rendition) is handed out unchanged. */
export const stableUrlWindowSeconds = 24 * 60 * 60;
/** SigV4's longest presigned lifetime. */
const maxPresignSeconds = 7 * 24 * 60 * 60;

/**
 * A GET URL for an object that never changes, identical for every request within a window:
 * signed as of the window's start and valid for the window plus FILE_URL_TTL, so whenever it
 * is handed out it still has at least FILE_URL_TTL to live (within SigV4's 7 days), and a browser
 * that cached the object under this URL finds it again on the next page load.
 */
export function presignStableGet(deps: StoreDeps, key: string, now = Date.now()): Promise<string> {
  const windowMs = stableUrlWindowSeconds * 1000;
  const start = Math.floor(now / windowMs) * windowMs;
  const expires = Math.min(stableUrlWindowSeconds + deps.config.FILE_URL_TTL, maxPresignSeconds);
  // The same URL all window long, so the isolate keeps the ones it signed: a gallery listed
  // again (every page load) signs only the originals' short-lived URLs.
  const cacheKey = `${deps.config.AWS_ACCESS_KEY_ID}\n${bucketUrl(deps.config)}\n${key}\n${start}\n${expires}`;
  let url = stableUrls.get(cacheKey);
  if (!url) {
    url = presign(deps, key, start, expires);
    if (stableUrls.size >= maxStableUrls) stableUrls.clear();
    stableUrls.set(cacheKey, url);
    url.catch(() => stableUrls.delete(cacheKey));
  }
  return url;
}

/** About 1 MB of URLs: the renditions of a few thousand images. */
const maxStableUrls = 4096;
const stableUrls = new Map<string, Promise<string>>();

/** Signed as aws4fetch would (lib/sigv4-presign.ts), without its per-URL Request and key import. */
function presign(deps: StoreDeps, key: string, signedAt: number, expiresInSeconds: number) {
  return presignS3Get({
    accessKeyId: deps.config.AWS_ACCESS_KEY_ID,
    secretAccessKey: deps.config.AWS_SECRET_ACCESS_KEY,
    region: deps.config.S3_REGION,
    url: objectUrl(deps.config, key),
    datetime: new Date(signedAt).toISOString().replace(/[:-]|\.\d{3}/g, ""),
    expiresInSeconds,
  });
}

interface ListedObject {
  key: string;
  lastModified: Date;
}

/** One page of ListObjectsV2; the XML is small and regular enough to read without a parser. */
export async function listObjects(deps: StoreDeps, prefix: string, continuationToken?: string) {
  const url = new URL(bucketUrl(deps.config));
  url.searchParams.set("list-type", "2");
  url.searchParams.set("prefix", prefix);
  url.searchParams.set("max-keys", "1000");
  if (continuationToken) url.searchParams.set("continuation-token", continuationToken);
  const res = await deps.s3.fetch(url.toString(), { signal: AbortSignal.timeout(requestTimeoutMs) });
  if (!res.ok) throw new Error(`S3 LIST answered ${res.status}`);
  const xml = await res.text();
  const objects: ListedObject[] = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, entry]) => ({
    key: decodeXml(/<Key>([\s\S]*?)<\/Key>/.exec(entry)?.[1] ?? ""),
    lastModified: new Date(/<LastModified>([\s\S]*?)<\/LastModified>/.exec(entry)?.[1] ?? 0),
  }));
  const next = /<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml)?.[1];
  return { objects, nextToken: next ? decodeXml(next) : undefined };
}

export const decodeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[name] ?? "");

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name, so any name is safe in the header. */
export function contentDisposition(fileName: string) {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeRfc3986(fileName)}`;
}

function hexToBase64(hex: string) {
  return btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => parseInt(h, 16))));
}
