import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Config } from "../env";

interface OriginPolicy {
  origins: Set<string>;
  answer: MiddlewareHandler;
}

const policies = new WeakMap<Config, OriginPolicy>();

/** ALLOWED_ORIGINS is parsed once per config, which getConfig itself parses once per env. */
function policyFor(config: Config): OriginPolicy {
  const cached = policies.get(config);
  if (cached) return cached;
  // Browsers send an origin as scheme://host[:port], lower-case and without a path.
  const origins = new Set(config.ALLOWED_ORIGINS.split(",").map((o) => o.trim().toLowerCase().replace(/\/+$/, "")).filter(Boolean));
  const policy = {
    origins,
    answer: cors({
      origin: (origin) => (origins.has(origin) ? origin : null),
      credentials: true,
      allowMethods: ["GET", "POST", "PATCH", "DELETE"],
      allowHeaders: ["Authorization", "Content-Type"],
      // X-List-Truncated: the original system's image list says when it stopped short (routes/legacy.ts).
      exposeHeaders: ["X-Request-Id", "Retry-After", "WWW-Authenticate", "X-List-Truncated"],
      maxAge: 600,
    }),
  };
  policies.set(config, policy);
  return policy;
}

/**
 * CORS for the origins in ALLOWED_ORIGINS only: each gets its own origin back (never `*`)
 * with credentials, and its preflights a 204. Any other origin gets no CORS header at all,
 * so a browser keeps the response from that page's script. hono/cors would send
 * Allow-Credentials to every origin, hence the check before it.
 */
export const allowListedOrigins = createMiddleware<AppEnv>(async (c, next) => {
  const { origins, answer } = policyFor(c.var.deps.config);
  const origin = c.req.header("origin");
  if (origin && origins.has(origin)) return answer(c, next);
  await next();
  if (origins.size) c.header("Vary", "Origin", { append: true });
});
