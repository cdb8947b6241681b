import type { IncomingHttpHeaders } from "node:http";
import { headerValue } from "./header-value";
import { S3Error } from "./s3-error";

/** What a request claims about its signature, from the Authorization header or a presigned query. */
export interface Authorization {
  kind: "header" | "query";
  accessKeyId: string;
  scope: string[];
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  /** X-Amz-Expires of a presigned URL; 0 for header auth. */
  expiresIn: number;
}

const algorithm = "AWS4-HMAC-SHA256";
const maxPresignSeconds = 7 * 24 * 60 * 60;

/** The auth parameters of a presigned URL; they are not part of what the gate forwards. */
export const presignQueryParams = [
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
  "X-Amz-Security-Token",
];

export function readAuthorization(headers: IncomingHttpHeaders, query: URLSearchParams): Authorization {
  const header = headers.authorization;
  const isPresigned = query.has("X-Amz-Algorithm");
  if (header === undefined && !isPresigned) throw new S3Error(403, "AccessDenied", "Access Denied");
  if (header !== undefined && isPresigned) {
    throw new S3Error(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified");
  }
  return header === undefined ? readQueryAuthorization(query) : readHeaderAuthorization(header, headers);
}

function readHeaderAuthorization(header: string, headers: IncomingHttpHeaders): Authorization {
  if (!header.startsWith(`${algorithm} `)) {
    throw new S3Error(400, "InvalidRequest", `The authorization mechanism you have provided is not supported. Please use ${algorithm}.`);
  }
  const parts = new Map(
    header
      .slice(algorithm.length)
      .split(",")
      .map((part) => part.trim().split("=", 2) as [string, string | undefined]),
  );
  const credential = parts.get("Credential");
  const signedHeaders = parts.get("SignedHeaders");
  const signature = parts.get("Signature");
  if (!credential || !signedHeaders || !signature) {
    throw new S3Error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; it requires Credential, SignedHeaders and Signature.");
  }
  const amzDate = headerValue(headers, "x-amz-date");
  if (!amzDate || !isAmzDate(amzDate)) {
    throw new S3Error(403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (headerValue(headers, "x-amz-content-sha256") === undefined) {
    throw new S3Error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
  }
  const [accessKeyId = "", ...scope] = credential.split("/");
  return { kind: "header", accessKeyId, scope, signedHeaders: signedHeaders.split(";"), signature, amzDate, expiresIn: 0 };
}

function readQueryAuthorization(query: URLSearchParams): Authorization {
  const malformed = (message: string) => new S3Error(400, "AuthorizationQueryParametersError", message);
  if (query.get("X-Amz-Algorithm") !== algorithm) throw malformed(`X-Amz-Algorithm only supports "${algorithm}"`);
  const [credential, amzDate, expires, signedHeaders, signature] = ["Credential", "Date", "Expires", "SignedHeaders", "Signature"].map(
    (name) => query.get(`X-Amz-${name}`),
  );
  if (!credential || !amzDate || !expires || !signedHeaders || !signature) {
    throw malformed("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  if (!isAmzDate(amzDate)) throw malformed(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  const expiresIn = /^\d+$/.test(expires) ? Number(expires) : Number.NaN;
  if (!(expiresIn >= 1 && expiresIn <= maxPresignSeconds)) {
    throw malformed(`X-Amz-Expires must be between 1 and ${maxPresignSeconds} seconds`);
  }
  const [accessKeyId = "", ...scope] = credential.split("/");
  return { kind: "query", accessKeyId, scope, signedHeaders: signedHeaders.split(";"), signature, amzDate, expiresIn };
}

function isAmzDate(text: string): boolean {
  return /^\d{8}T\d{6}Z$/.test(text) && !Number.isNaN(parseAmzDate(text).getTime());
}

export function parseAmzDate(text: string): Date {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text) ?? [];
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}
