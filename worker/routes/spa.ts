import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { Config } from "../env";
import { bucketUrl } from "../services/object-store";

/** Paths the API owns (/api is the original system's /api/v2): an unknown one there is a JSON 404, never HTML. */
const apiPrefixes = ["/api", "/auth", "/images", "/albums", "/trash", "/healthz", "/s"];

const isApiPath = (path: string) => apiPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/** The SPA's own pages (the routes in web/src/index.tsx): index.html for any GET. */
const pagePaths = [/^\/$/, /^\/login$/, /^\/signup$/, /^\/gallery$/, /^\/favourites$/, /^\/bin$/, /^\/account$/, /^\/i\/[^/]+$/, /^\/a$/, /^\/a\/[^/]+$/, /^\/a\/[^/]+\/i\/[^/]+$/];

const isPagePath = (path: string) => pagePaths.some((page) => page.test(path));

/**
 * A browser loading a document: its fetch metadata says so. Browsers send none to plain-http
 * origins other than localhost; there a navigation is told by an Accept naming text/html, which
 * fetch() and XHR do not send unless asked to.
 */
function isPageLoad(c: Context) {
  const destination = c.req.header("sec-fetch-dest");
  if (destination !== undefined) return destination === "document";
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(c.req.header("accept") ?? "");
}

/**
 * The SPA's CSP: scripts and styles only from this origin (Vite emits no inline script),
 * images also from the bucket (presigned GETs) and blob: (upload previews), API calls to
 * this origin and, for direct uploads, part PUTs to the bucket's presigned URLs. No framing,
 * no <base>, forms post only here.
 */
function contentSecurityPolicy(config: Pick<Config, "S3_ENDPOINT" | "S3_BUCKET_NAME" | "S3_REGION">): string {
  const bucketOrigin = new URL(bucketUrl(config)).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' blob: ${bucketOrigin}`,
    `connect-src 'self' ${bucketOrigin}`,
    "font-src 'self'",
    "manifest-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; ");
}

/** The SPA's shell, index.html (the binding serves it for "/"), with the request's method and conditional headers. */
const fetchShell = (c: Context<AppEnv>) => c.env.ASSETS.fetch(new Request(new URL("/", c.req.url), c.req.raw));

/**
 * Last route: serves the SPA from the ASSETS binding and adds the security headers to HTML.
 * The binding has no fallback of its own (not_found_handling = "none"): files of the build are
 * served as they are, the shell goes to the SPA's pages, and to a page load of any other path
 * with a 404 so the SPA shows its not-found page honestly. A fetch or XHR for an unknown path
 * gets the API's JSON 404, never HTML.
 * Presigned URLs carry credentials in the query string, so pages must never send them on as a Referer.
 */
export async function serveSpa(c: Context<AppEnv>) {
  const path = c.req.path;
  if (isApiPath(path)) return c.notFound();
  const asset = await (isPagePath(path) ? fetchShell(c) : c.env.ASSETS.fetch(c.req.raw));
  if (asset.status !== 404) return withSecurityHeaders(c, new Response(asset.body, asset));
  await asset.body?.cancel();
  if (!isPageLoad(c)) return c.notFound();
  const shell = await fetchShell(c);
  return withSecurityHeaders(c, new Response(shell.body, { status: 404, headers: shell.headers }));
}

function withSecurityHeaders(c: Context<AppEnv>, res: Response) {
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
