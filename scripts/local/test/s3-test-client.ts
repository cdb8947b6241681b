import { AwsClient } from "aws4fetch";
import { expect, inject } from "vitest";

// Talks to the local S3 gate (scripts/local/s3.ts) as the worker does: aws4fetch, path-style.
export const endpoint = inject("s3Endpoint");
export const bucket = inject("s3Bucket");
export const admin = { "x-admin-token": inject("adminToken") };

export const client = (overrides: { accessKeyId?: string; secretAccessKey?: string } = {}) =>
  new AwsClient({
    accessKeyId: inject("s3AccessKeyId"),
    secretAccessKey: inject("s3SecretAccessKey"),
    service: "s3",
    region: inject("s3Region"),
    retries: 0,
    ...overrides,
  });
export const s3 = client();

/** A key prefix of this test's own, so parallel files never see each other's objects or faults. */
export const newPrefix = () => `test/${crypto.randomUUID()}`;
export const objectUrl = (key: string) => `${endpoint}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;

/** CreateMultipartUpload: the new upload's id. */
export async function createUpload(key: string): Promise<string> {
  const res = await s3.fetch(`${objectUrl(key)}?uploads`, { method: "POST" });
  expect(res.status).toBe(200);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await res.text())?.[1];
  if (!uploadId) throw new Error("CreateMultipartUpload answered no UploadId");
  return uploadId;
}

export const partUrl = (key: string, uploadId: string, partNumber: number | string) =>
  `${objectUrl(key)}?partNumber=${partNumber}&uploadId=${encodeURIComponent(uploadId)}`;

export async function errorCode(res: Response): Promise<string | undefined> {
  expect(res.headers.get("content-type")).toBe("application/xml");
  return /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1];
}

export async function storedKeys(prefix: string): Promise<string[]> {
  const res = await fetch(`${endpoint}/__admin/objects?prefix=${encodeURIComponent(prefix)}`, { headers: admin });
  const { objects } = await res.json<{ objects: { key: string; size: number }[] }>();
  return objects.map((object) => object.key);
}

export async function addFaults(rule: Record<string, unknown>) {
  const res = await fetch(`${endpoint}/__admin/faults`, { method: "POST", headers: admin, body: JSON.stringify(rule) });
  expect(res.status).toBe(204);
}

export async function loggedRequests(prefix: string) {
  const res = await fetch(`${endpoint}/__admin/requests?prefix=${encodeURIComponent(prefix)}`, { headers: admin });
  return (await res.json<{ requests: { method: string; key: string; status: number | "dropped"; operation?: string }[] }>()).requests;
}

/**
 * A presigned URL for `key` (with `query`, such as an UploadPart's partNumber and uploadId).
 * aws4fetch would presign for 24 h by default; the expiry is fixed before signing.
 */
export async function presign(
  key: string,
  options: { expires?: string; datetime?: string; method?: string; query?: Record<string, string> } = {},
): Promise<URL> {
  const url = new URL(objectUrl(key));
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  url.searchParams.set("X-Amz-Expires", options.expires ?? "300");
  const signed = await s3.sign(url.toString(), { method: options.method ?? "GET", aws: { signQuery: true, datetime: options.datetime } });
  return new URL(signed.url);
}
