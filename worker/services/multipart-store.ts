import { AppError } from "../lib/errors";
import { contentDisposition, decodeXml, objectUrl, requestTimeoutMs, type StoreDeps, storageUnavailable } from "./object-store";

/** One part the bucket holds for an upload in progress, as Companion's protocol names it. */
export interface StoredPart {
  PartNumber: number;
  Size: number;
  ETag: string;
}

/** R2 and S3 both: at most 10,000 parts. */
export const maxParts = 10_000;

const noSuchUpload = () => new AppError(404, "upload_not_found", "No such upload in progress");

async function send(deps: StoreDeps, url: string, init: RequestInit = {}): Promise<Response> {
  return deps.s3.fetch(url, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) }).catch((error: unknown) => {
    throw storageUnavailable(error);
  });
}

function uploadUrl(deps: StoreDeps, key: string, params: Record<string, string>) {
  const url = new URL(objectUrl(deps.config, key));
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

const xmlField = (xml: string, name: string) => {
  const found = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];
  return found === undefined ? undefined : decodeXml(found);
};

/** CreateMultipartUpload: the bucket's upload id for `key`, with the type and name the object will carry. */
export async function createMultipartUpload(deps: StoreDeps, key: string, meta: { contentType: string; fileName: string }): Promise<string> {
  const res = await send(deps, uploadUrl(deps, key, { uploads: "" }), {
    method: "POST",
    headers: { "content-type": meta.contentType, "content-disposition": contentDisposition(meta.fileName) },
  });
  const uploadId = res.ok ? xmlField(await res.text(), "UploadId") : undefined;
  if (!uploadId) throw storageUnavailable(new Error(`S3 CreateMultipartUpload answered ${res.status}`));
  return uploadId;
}

/** A presigned UploadPart URL: the client PUTs one part's bytes to it, straight to the bucket. */
export async function presignUploadPart(deps: StoreDeps, key: string, uploadId: string, partNumber: number, expiresInSeconds: number) {
  const url = uploadUrl(deps, key, { partNumber: String(partNumber), uploadId, "X-Amz-Expires": String(expiresInSeconds) });
  const signed = await deps.s3.sign(url, { method: "PUT", aws: { signQuery: true, allHeaders: false } });
  return signed.url;
}

/** ListParts, every page: what already arrived, so a client resumes without sending it again. Null: no such upload. */
export async function listParts(deps: StoreDeps, key: string, uploadId: string): Promise<StoredPart[] | null> {
  const parts: StoredPart[] = [];
  let marker = "0";
  for (;;) {
    const res = await send(deps, uploadUrl(deps, key, { uploadId, "max-parts": "1000", "part-number-marker": marker }));
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) throw storageUnavailable(new Error(`S3 ListParts answered ${res.status}`));
    const xml = await res.text();
    for (const [, part] of xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
      parts.push({ PartNumber: Number(xmlField(part, "PartNumber")), Size: Number(xmlField(part, "Size")), ETag: xmlField(part, "ETag") ?? "" });
    }
    const next = xmlField(xml, "NextPartNumberMarker");
    if (xmlField(xml, "IsTruncated") !== "true" || !next || next === marker) return parts;
    marker = next;
  }
}

/** The bucket's word for a completion it refuses, mapped to what the client may fix. */
const completionErrors: Record<string, () => AppError> = {
  InvalidPart: () => new AppError(400, "invalid_part", "A listed part is not in the bucket, or its ETag does not match"),
  InvalidPartOrder: () => new AppError(400, "invalid_part_order", "Parts must be listed in ascending order of PartNumber"),
  EntityTooSmall: () => new AppError(400, "part_too_small", "Every part but the last must be at least 5 MiB, and all but the last the same size"),
  NoSuchUpload: noSuchUpload,
};

/** CompleteMultipartUpload with the client's part list; the bucket checks each part's ETag and size rule. */
export async function completeMultipartUpload(deps: StoreDeps, key: string, uploadId: string, parts: { PartNumber: number; ETag: string }[]) {
  const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const body = `<CompleteMultipartUpload>${parts
    .map((part) => `<Part><PartNumber>${part.PartNumber}</PartNumber><ETag>${escapeXml(part.ETag)}</ETag></Part>`)
    .join("")}</CompleteMultipartUpload>`;
  const res = await send(deps, uploadUrl(deps, key, { uploadId }), { method: "POST", body, headers: { "content-type": "application/xml" } });
  const xml = await res.text();
  // S3 may answer 200 with an <Error> body when the completion fails late.
  const code = xmlField(xml, "Code");
  if (res.ok && !code) return;
  const known = code ? completionErrors[code] : undefined;
  if (known) throw known();
  if (res.status === 404) throw noSuchUpload();
  throw storageUnavailable(new Error(`S3 CompleteMultipartUpload answered ${res.status} ${code ?? ""}`));
}

/** AbortMultipartUpload: the parts go. An upload already gone is fine: the goal is that it is gone. */
export async function abortMultipartUpload(deps: StoreDeps, key: string, uploadId: string) {
  const res = await send(deps, uploadUrl(deps, key, { uploadId }), { method: "DELETE" });
  await res.body?.cancel();
  if (!res.ok && res.status !== 404) throw storageUnavailable(new Error(`S3 AbortMultipartUpload answered ${res.status}`));
}

/** HEAD: the object's size and type as the bucket has them; null when there is no such object. */
export async function headObject(deps: StoreDeps, key: string): Promise<{ size: number; contentType: string; etag: string } | null> {
  const res = await send(deps, objectUrl(deps.config, key), { method: "HEAD" });
  if (res.status === 404) return null;
  if (!res.ok) throw storageUnavailable(new Error(`S3 HEAD answered ${res.status}`));
  return { size: Number(res.headers.get("content-length")), contentType: res.headers.get("content-type") ?? "", etag: res.headers.get("etag") ?? "" };
}

/** Bytes `offset` to `offset + length - 1` of the object as it was when `etag` was read (If-Match): a changed object fails. */
export async function getObjectRange(deps: StoreDeps, key: string, offset: number, length: number, etag?: string): Promise<Uint8Array> {
  const res = await send(deps, objectUrl(deps.config, key), {
    headers: { range: `bytes=${offset}-${offset + length - 1}`, ...(etag ? { "if-match": etag } : {}) },
  });
  if (res.status !== 206 && res.status !== 200) {
    await res.body?.cancel();
    throw storageUnavailable(new Error(`S3 ranged GET answered ${res.status}`));
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  // A server that ignores Range answers the whole object: take the part asked for.
  return res.status === 200 ? bytes.subarray(offset, offset + length) : bytes;
}

/** One part of a server-side multipart upload (the ingest job writing an image's own object). */
export async function uploadPart(deps: StoreDeps, key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string> {
  const res = await send(deps, uploadUrl(deps, key, { partNumber: String(partNumber), uploadId }), { method: "PUT", body });
  await res.body?.cancel();
  const etag = res.headers.get("etag");
  if (!res.ok || !etag) throw storageUnavailable(new Error(`S3 UploadPart answered ${res.status}`));
  return etag;
}
