import { randomUUID } from "node:crypto";
import { AwsClient } from "aws4fetch";
import { localS3 } from "../scripts/local/stack";
import { multipartImage, pacedRequest } from "./paced";

let ipCounter = 0;
/**
 * A new client address for the rate limiters (20/min per IP): a documentation-range IPv6
 * that only ever travels as a header value; every request goes to 127.0.0.1.
 */
const nextClientIp = () => `2001:db8::${(++ipCounter).toString(16)}`;

export interface BenchUser {
  email: string;
  password: string;
  token: string;
  id: string;
}

async function expectStatus(res: Response, expected: number, what: string) {
  if (res.status !== expected) throw new Error(`${what} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

export async function login(baseUrl: string, email: string, password: string) {
  const res = await fetch(`${baseUrl}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": nextClientIp() },
    body: JSON.stringify({ email, password }),
  });
  await expectStatus(res, 200, "POST /auth/login");
  return (await res.json()) as { access_token: string; user: { id: string } };
}

export async function createUser(baseUrl: string): Promise<BenchUser> {
  const name = `bench_${randomUUID().slice(0, 8)}`;
  const email = `${name}@bench.invalid`;
  const password = `bench ${randomUUID()}`;
  const res = await fetch(`${baseUrl}/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": nextClientIp() },
    body: JSON.stringify({ username: name, email, password }),
  });
  await expectStatus(res, 201, "POST /auth/register");
  const session = await login(baseUrl, email, password);
  return { email, password, token: session.access_token, id: session.user.id };
}

/** The account's "never send to AI": its uploads get renditions and no analysis, for cases that time what comes before. */
export async function keepFromAi(baseUrl: string, token: string) {
  const res = await fetch(`${baseUrl}/auth/me`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ never_send_to_ai: true }),
  });
  await expectStatus(res, 200, "PATCH /auth/me");
  await res.arrayBuffer();
}

/** One multipart upload of fresh bytes; a duplicate (200) would skip the work being measured. */
export async function uploadImage(baseUrl: string, token: string, png: Buffer) {
  const { status, text } = await postImage(baseUrl, token, { bytes: png, type: "image/png", name: "bench.png" });
  if (status !== 201) throw new Error(`POST /images/upload answered ${status}: ${text.slice(0, 300)}`);
}

/** POST /images/upload of one file, whatever it answers: for cases that count failures rather than stop at the first. */
export async function postImage(baseUrl: string, token: string, file: { bytes: Buffer; type: string; name: string }, timeoutMs = 120_000) {
  const form = new FormData();
  form.append("image", new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const res = await fetch(`${baseUrl}/images/upload`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, text: await res.text() };
}

export async function listImages(baseUrl: string, token: string, limit: number) {
  const res = await fetch(`${baseUrl}/images?limit=${limit}`, { headers: { authorization: `Bearer ${token}` } });
  await expectStatus(res, 200, "GET /images");
  return (await res.json()) as { images: unknown[] };
}

const signer = new AwsClient({ ...localS3, service: "s3", retries: 0 });

/** A presigned PUT URL for a new key, as a client would get it ahead of its upload. */
export async function presignPut(s3Endpoint: string): Promise<string> {
  const url = new URL(`${s3Endpoint}/${localS3.bucket}/bench/${randomUUID()}.png`);
  url.searchParams.set("X-Amz-Expires", "600");
  return (await signer.sign(url.toString(), { method: "PUT", aws: { signQuery: true } })).url;
}

export async function putPresigned(url: string, body: Buffer) {
  const res = await fetch(url, { method: "PUT", body, headers: { "content-type": "image/png" } });
  await expectStatus(res, 200, "presigned PUT");
  await res.arrayBuffer();
}

async function expectPaced(answer: Promise<{ status: number; text: string }>, expected: number, what: string) {
  const { status, text } = await answer;
  if (status !== expected) throw new Error(`${what} answered ${status}: ${text.slice(0, 300)}`);
}

/** uploadImage over a paced uplink (bench/paced.ts). */
export async function uploadImagePaced(baseUrl: string, token: string, png: Buffer) {
  const { body, contentType } = multipartImage(png);
  const headers = { authorization: `Bearer ${token}`, "content-type": contentType };
  await expectPaced(pacedRequest(`${baseUrl}/images/upload`, { method: "POST", headers, body }), 201, "paced POST /images/upload");
}

/** putPresigned over a paced uplink. */
export async function putPresignedPaced(url: string, body: Buffer) {
  await expectPaced(pacedRequest(url, { method: "PUT", headers: { "content-type": "image/png" }, body }), 200, "paced presigned PUT");
}
