import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { buildDeps, type Deps } from "../deps";

/**
 * Deps per env object, so per isolate: the config, the drizzle database over its fetch client and
 * the S3 client hold no request's state (each query and signed request is made when called), and
 * building them for every request was work on every request's CPU time (D1 in docs/performance.md).
 */
const built = new WeakMap<Cloudflare.Env, Deps>();

/** Puts the isolate's config and clients on c.var.deps. */
export const provideDeps = createMiddleware<AppEnv>(async (c, next) => {
  let deps = built.get(c.env);
  if (!deps) {
    deps = buildDeps(c.env);
    built.set(c.env, deps);
  }
  c.set("deps", deps);
  await next();
});
