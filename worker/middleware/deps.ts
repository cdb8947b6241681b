import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { buildDeps } from "../deps";

/** Builds config (cached per isolate) and per-request clients onto c.var.deps; deferred work goes to waitUntil. */
export const provideDeps = createMiddleware<AppEnv>(async (c, next) => {
  c.set("deps", buildDeps(c.env, (work) => c.executionCtx.waitUntil(work)));
  await next();
});
