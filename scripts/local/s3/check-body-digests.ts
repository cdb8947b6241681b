import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { headerValue } from "./header-value";
import { S3Error } from "./s3-error";

/**
 * Rejects a body that does not match the digests the client declared, as S3 does,
 * so integrity checks in the worker can be tested end to end.
 */
export function checkBodyDigests(headers: IncomingHttpHeaders, body: Buffer): void {
  const contentSha256 = headerValue(headers, "x-amz-content-sha256");
  if (contentSha256 !== undefined) checkContentSha256(contentSha256, body);

  const checksumSha256 = headerValue(headers, "x-amz-checksum-sha256");
  if (checksumSha256 !== undefined && checksumSha256 !== digest("sha256", body, "base64")) {
    throw new S3Error(400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.");
  }
  const contentMd5 = headerValue(headers, "content-md5");
  if (contentMd5 !== undefined && contentMd5 !== digest("md5", body, "base64")) {
    throw new S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
}

function checkContentSha256(declared: string, body: Buffer): void {
  if (declared === "UNSIGNED-PAYLOAD") return;
  if (declared.startsWith("STREAMING-")) {
    throw new S3Error(501, "NotImplemented", "Chunked (streaming) payload signing is not supported by the local S3 gate.");
  }
  if (!/^[0-9a-f]{64}$/i.test(declared)) {
    throw new S3Error(400, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.");
  }
  if (declared.toLowerCase() !== digest("sha256", body, "hex")) {
    throw new S3Error(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
}

function digest(algorithm: "sha256" | "md5", body: Buffer, encoding: "hex" | "base64"): string {
  return createHash(algorithm).update(body).digest(encoding);
}
