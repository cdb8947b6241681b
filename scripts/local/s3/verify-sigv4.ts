import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { headerValue } from "./header-value";
import { parseAmzDate, readAuthorization, type Authorization } from "./read-authorization";
import { S3Error } from "./s3-error";

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** The parts of a request a signature covers; the path is raw (still percent-encoded). */
export interface SignedRequestParts {
  method: string;
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

const contentSha256 = "x-amz-content-sha256";
const maxClockSkewMs = 15 * 60 * 1000;

/**
 * Checks SigV4 (Authorization header or presigned query) the way S3 does, recomputing
 * the signature with AWS's own signer so a wrong secret or a tampered URL is caught.
 */
export class SigV4Verifier {
  readonly #key: AccessKey;
  readonly #signer: SignatureV4;

  constructor(key: AccessKey) {
    this.#key = key;
    // uriEscapePath off: S3 signs each path segment encoded once, which canonicalPath does.
    this.#signer = new SignatureV4({
      service: "s3",
      region: key.region,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      sha256: Sha256,
      uriEscapePath: false,
      applyChecksum: false,
    });
  }

  async verify(request: SignedRequestParts, now = new Date()): Promise<void> {
    const auth = readAuthorization(request.headers, request.query);
    this.#checkScope(auth);
    checkTime(auth, now);
    const expected = await this.#expectedSignature(request, auth);
    const given = Buffer.from(auth.signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new S3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
    }
  }

  #checkScope(auth: Authorization): void {
    if (auth.accessKeyId !== this.#key.accessKeyId) {
      throw new S3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
    }
    const malformed = (message: string) =>
      new S3Error(400, auth.kind === "header" ? "AuthorizationHeaderMalformed" : "AuthorizationQueryParametersError", message);
    const [date, region, service, terminator] = auth.scope;
    if (auth.scope.length !== 4 || terminator !== "aws4_request") throw malformed("The credential scope is malformed.");
    if (date !== auth.amzDate.slice(0, 8)) throw malformed("Invalid credential date. Date is not the same as X-Amz-Date.");
    if (region !== this.#key.region) throw malformed(`The region '${region}' is wrong; expecting '${this.#key.region}'.`);
    if (service !== "s3") throw malformed(`The service '${service}' is wrong; expecting 's3'.`);
  }

  async #expectedSignature(request: SignedRequestParts, auth: Authorization): Promise<Buffer> {
    const signed = new Set(auth.signedHeaders);
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const value = headerValue(request.headers, name);
      if (value !== undefined) headers[name] = value;
    }
    // The payload hash is whatever the client declared (S3 presigned URLs: UNSIGNED-PAYLOAD),
    // even when that header itself was not signed; the body is checked against it later.
    headers[contentSha256] ??= headerValue(request.headers, contentSha256) ?? "UNSIGNED-PAYLOAD";
    const unsigned = signed.has(contentSha256) ? new Set<string>() : new Set([contentSha256]);

    const query: Record<string, string | string[]> = {};
    for (const [name, value] of request.query) {
      if (name === "X-Amz-Signature") continue;
      const previous = query[name];
      query[name] = previous === undefined ? value : [previous, value].flat();
    }
    const toSign = new HttpRequest({
      method: request.method,
      protocol: "http:",
      hostname: headers.host ?? "",
      path: canonicalPath(request.rawPath),
      query,
      headers,
    });
    const options = { signingDate: parseAmzDate(auth.amzDate), signableHeaders: signed, unsignableHeaders: unsigned };

    if (auth.kind === "query") {
      const presigned = await this.#signer.presign(toSign, {
        ...options,
        expiresIn: auth.expiresIn,
        unhoistableHeaders: new Set(Object.keys(headers)),
      });
      return Buffer.from(String(presigned.query?.["X-Amz-Signature"] ?? ""));
    }
    const signedRequest = await this.#signer.sign(toSign, options);
    return Buffer.from(/Signature=([0-9a-f]+)/.exec(signedRequest.headers.authorization ?? "")?.[1] ?? "");
  }
}

function checkTime(auth: Authorization, now: Date): void {
  const signedAt = parseAmzDate(auth.amzDate).getTime();
  if (auth.kind === "header" && Math.abs(now.getTime() - signedAt) > maxClockSkewMs) {
    throw new S3Error(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
  }
  if (auth.kind === "query" && now.getTime() > signedAt + auth.expiresIn * 1000) {
    throw new S3Error(403, "AccessDenied", "Request has expired");
  }
}

/** Each segment decoded, then encoded once per RFC 3986, as S3 canonicalises the URI. */
function canonicalPath(rawPath: string): string {
  return rawPath
    .split("/")
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw new S3Error(400, "InvalidURI", "Couldn't parse the specified URI.");
      }
      return encodeURIComponent(decoded).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    })
    .join("/");
}
