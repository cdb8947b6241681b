import { createMiddleware } from "hono/factory";
import { buildDeps } from "../deps";
import type { AppEnv } from "../env";

/** Builds config (cached per isolate) and per-request clients onto c.var.deps. */
export const provideDeps = createMiddleware<AppEnv>(async (c, next) => {
  c.set("deps", buildDeps(c.env));
  await next();
});
