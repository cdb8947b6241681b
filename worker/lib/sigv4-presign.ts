import { bytesToHex } from "./sha256";

/**
 * A presigned S3 GET URL (SigV4, query string, UNSIGNED-PAYLOAD, only `host` signed), byte for
 * byte what aws4fetch's `sign(url, { aws: { signQuery: true } })` returns for a URL whose path
 * is already RFC 3986-encoded per segment and whose only parameter is X-Amz-Expires. aws4fetch
 * builds a Request, Headers and URLs and imports an HMAC key for every URL: on a listing that
 * signs three URLs a row it was most of the worker's time (bench CPU profile, F3). This builds
 * the same strings and makes two WebCrypto calls with a key imported once a day (in workerd
 * ~15–40 µs a URL against aws4fetch's 80–200 and @noble/hashes' 150, which is pure JS).
 * worker/test/renditions/urls.test.ts holds it to aws4fetch and to AWS's documented example.
 */
export interface PresignInput {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Origin and path, path segments RFC 3986-encoded: `https://host/bucket/a%20b.jpg`. */
  url: string;
  /** SigV4's basic format, "20130524T000000Z". */
  datetime: string;
  expiresInSeconds: number;
}

export async function presignS3Get({ accessKeyId, secretAccessKey, region, url, datetime, expiresInSeconds }: PresignInput): Promise<string> {
  const pathAt = url.indexOf("/", url.indexOf("//") + 2);
  const [origin, path] = pathAt < 0 ? [url, "/"] : [url.slice(0, pathAt), url.slice(pathAt)];
  const shape = requestShape(accessKeyId, region, origin, datetime, expiresInSeconds);
  const canonicalRequest = `GET\n${canonicalPath(path)}\n${shape.canonicalQuery}\nhost:${shape.host}\n\nhost\nUNSIGNED-PAYLOAD`;
  const canonicalHash = bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(canonicalRequest))));
  const key = await signingKey(secretAccessKey, datetime.slice(0, 8), region);
  const signature = bytesToHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${shape.stringToSignHead}${canonicalHash}`))));
  return `${shape.origin}${path}${shape.queryHead}${signature}`;
}

interface RequestShape {
  host: string;
  origin: string;
  canonicalQuery: string;
  stringToSignHead: string;
  queryHead: string;
}

/**
 * Everything but the path and the signature, the same for every URL of one listing (one origin,
 * second and lifetime): built once and kept until the next differs.
 */
let lastShape: { cacheKey: string; shape: RequestShape } | undefined;
function requestShape(accessKeyId: string, region: string, rawOrigin: string, datetime: string, expiresInSeconds: number): RequestShape {
  const cacheKey = `${accessKeyId}\n${region}\n${rawOrigin}\n${datetime}\n${expiresInSeconds}`;
  if (lastShape?.cacheKey === cacheKey) return lastShape.shape;
  const { host, origin } = new URL(rawOrigin);
  const credentialScope = `${datetime.slice(0, 8)}/${region}/s3/aws4_request`;
  const credential = `${accessKeyId}/${credentialScope}`;
  // Canonical form: keys sorted, each name and value encoded as RFC 3986 asks.
  const canonicalQuery = [
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", credential],
    ["X-Amz-Date", datetime],
    ["X-Amz-Expires", String(expiresInSeconds)],
    ["X-Amz-SignedHeaders", "host"],
  ]
    .map(([name, value]) => `${name}=${rfc3986(value)}`)
    .join("&");
  const shape = {
    host,
    origin,
    canonicalQuery,
    stringToSignHead: `AWS4-HMAC-SHA256\n${datetime}\n${credentialScope}\n`,
    // The parameters in the order aws4fetch's URLSearchParams leaves them, form-encoded as it does.
    queryHead:
      `?X-Amz-Expires=${expiresInSeconds}&X-Amz-Date=${datetime}&X-Amz-Algorithm=AWS4-HMAC-SHA256` +
      `&X-Amz-Credential=${formEncode(credential)}&X-Amz-SignedHeaders=host&X-Amz-Signature=`,
  };
  lastShape = { cacheKey, shape };
  return shape;
}

const encoder = new TextEncoder();

const escapeReserved = (encoded: string) => encoded.replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
const rfc3986 = (text: string) => escapeReserved(encodeURIComponent(text));

/** application/x-www-form-urlencoded, as URLSearchParams serialises: only *-._ and alphanumerics stay, space is +. */
const formEncode = (text: string) =>
  encodeURIComponent(text)
    .replace(/[!'()~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");

/** S3 signs the path as given, decoded once and encoded again (no double encoding, no "//" folding). */
function canonicalPath(pathname: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname.replace(/\+/g, " "));
  } catch {
    decoded = pathname;
  }
  return escapeReserved(encodeURIComponent(decoded).replace(/%2F/g, "/"));
}

/**
 * The day's signing key (four HMACs), imported once and kept for the isolate's life: one per
 * secret, day and region, and only a few days' worth.
 */
const signingKeys = new Map<string, Promise<HmacKey>>();
function signingKey(secret: string, date: string, region: string): Promise<HmacKey> {
  const cacheKey = `${secret}\n${date}\n${region}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    key = deriveSigningKey(secret, date, region);
    if (signingKeys.size >= 8) signingKeys.clear();
    signingKeys.set(cacheKey, key);
    // A failed derivation is not kept: the next URL tries again.
    key.catch(() => signingKeys.delete(cacheKey));
  }
  return key;
}

async function deriveSigningKey(secret: string, date: string, region: string): Promise<HmacKey> {
  let raw: ArrayBuffer | Uint8Array = encoder.encode(`AWS4${secret}`);
  for (const part of [date, region, "s3", "aws4_request"]) raw = await crypto.subtle.sign("HMAC", await hmacKey(raw), encoder.encode(part));
  return hmacKey(raw);
}

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const hmacKey = (raw: ArrayBuffer | Uint8Array) => crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
