import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { buildDeps } from "../deps";

/** Builds config (cached per isolate) and per-request clients onto c.var.deps. */
export const provideDeps = createMiddleware<AppEnv>(async (c, next) => {
  c.set("deps", buildDeps(c.env));
  await next();
});
