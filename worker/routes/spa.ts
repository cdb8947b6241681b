import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { Config } from "../env";
import { bucketUrl } from "../services/object-store";

/** Paths the API owns: an unknown one there is a JSON 404, never the SPA's index.html. */
const apiPrefixes = ["/auth", "/images", "/healthz", "/s"];

const isApiPath = (path: string) => apiPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/**
 * The SPA's CSP: scripts and styles only from this origin (Vite emits no inline script),
 * images also from the bucket (presigned GETs) and blob: (upload previews), API calls
 * only to this origin. No framing, no <base>, forms post only here.
 */
function contentSecurityPolicy(config: Pick<Config, "S3_ENDPOINT" | "S3_BUCKET_NAME" | "S3_REGION">): string {
  const bucketOrigin = new URL(bucketUrl(config)).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' blob: ${bucketOrigin}`,
    "connect-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; ");
}

/**
 * Last route: serves the SPA from the ASSETS binding (index.html for client-side routes)
 * and adds the security headers to HTML. Presigned URLs carry credentials in the query
 * string, so pages must never send them on as a Referer.
 */
export async function serveSpa(c: Context<AppEnv>) {
  if (isApiPath(c.req.path)) return c.notFound();
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  const res = new Response(asset.body, asset);
  res.headers.set("X-Content-Type-Options", "nosniff");
  res.headers.set("Referrer-Policy", "no-referrer");
  if (new URL(c.req.url).protocol === "https:") {
    res.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
  if (/^text\/html\b/i.test(res.headers.get("content-type") ?? "")) {
    res.headers.set("Content-Security-Policy", contentSecurityPolicy(c.var.deps.config));
    res.headers.set("X-Frame-Options", "DENY");
    res.headers.set("Cross-Origin-Opener-Policy", "same-origin");
    res.headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  }
  return res;
}
