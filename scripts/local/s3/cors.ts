import type { IncomingMessage, ServerResponse } from "node:http";
import { headerValue } from "./header-value";
import { S3Error } from "./s3-error";

/**
 * The bucket's CORS rule, as the gate applies it (it answers preflights itself; s3rver never
 * sees them): the rule README.md gives for the production bucket. A browser PUTs each part of a
 * direct upload to a presigned URL and must read the part's ETag, so it allows PUT from the app's
 * origin with any request header (presigned URLs sign only `host`), and exposes ETag.
 * The app's origin, locally, is wrangler dev's http://127.0.0.1:<PORT> (or localhost), and in
 * tests a page on any free port; the stand-ins start before the worker's port is known and listen
 * on loopback only, so the rule allows every loopback origin and nothing else.
 */
const allowedOrigin = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;
const allowedMethods = ["PUT"];
const exposedHeaders = "ETag";
const maxAgeSeconds = "3600";

/** Answers a preflight (OPTIONS, which carries no credentials) from the rule above. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  const origin = headerValue(req.headers, "origin");
  const method = headerValue(req.headers, "access-control-request-method");
  if (!origin) throw new S3Error(400, "BadRequest", "Insufficient information. Origin request header needed.");
  if (!method) throw new S3Error(400, "BadRequest", "Invalid Access-Control-Request-Method: null");
  if (!allowedOrigin.test(origin) || !allowedMethods.includes(method)) {
    throw new S3Error(
      403,
      "AccessForbidden",
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
    );
  }
  const requestedHeaders = headerValue(req.headers, "access-control-request-headers");
  res.writeHead(200, {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": allowedMethods.join(", "),
    ...(requestedHeaders ? { "access-control-allow-headers": requestedHeaders } : {}),
    "access-control-expose-headers": exposedHeaders,
    "access-control-max-age": maxAgeSeconds,
    vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    "content-length": 0,
  });
  res.end();
}

/** CORS headers for an actual request from an allowed origin, set before any answer (errors too). */
export function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("vary", "Origin");
  const origin = headerValue(req.headers, "origin");
  if (!origin || !allowedOrigin.test(origin) || !allowedMethods.includes(req.method ?? "")) return;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("access-control-expose-headers", exposedHeaders);
}
