import { randomUUID } from "node:crypto";
import { AwsClient } from "aws4fetch";
import { localS3 } from "../scripts/local/stack";

const signer = new AwsClient({ ...localS3, service: "s3", retries: 0 });

/**
 * Multipart uploads straight at the bucket, signed in Node with the bucket's keys: the baseline a
 * direct upload through the worker is set against (no worker, nothing but the bytes and the bucket).
 */
export interface RawUpload {
  url: string;
  uploadId: string;
}

/** CreateMultipartUpload under a fresh key below `bench/`. */
export async function createRawUpload(s3Endpoint: string): Promise<RawUpload> {
  const url = `${s3Endpoint}/${localS3.bucket}/bench/${randomUUID()}`;
  const res = await signer.fetch(`${url}?uploads`, { method: "POST" });
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await res.text())?.[1];
  if (!res.ok || !uploadId) throw new Error(`CreateMultipartUpload answered ${res.status}`);
  return { url, uploadId };
}

/** A presigned UploadPart URL, as the worker signs them (only `host` signed). */
export async function presignRawPart(upload: RawUpload, partNumber: number): Promise<string> {
  const url = new URL(upload.url);
  url.searchParams.set("partNumber", String(partNumber));
  url.searchParams.set("uploadId", upload.uploadId);
  url.searchParams.set("X-Amz-Expires", "3600");
  return (await signer.sign(url.toString(), { method: "PUT", aws: { signQuery: true, allHeaders: false } })).url;
}

/** AbortMultipartUpload: the parts go (the baseline's bytes are not kept). */
export async function abortRawUpload(upload: RawUpload) {
  const res = await signer.fetch(`${upload.url}?uploadId=${encodeURIComponent(upload.uploadId)}`, { method: "DELETE" });
  if (!res.ok) throw new Error(`AbortMultipartUpload answered ${res.status}`);
  await res.arrayBuffer();
}
