import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/**
 * For answers that carry tokens, signed file URLs or account data: no browser or shared
 * cache may keep them (a signed URL outlives a logout; a cached token body outlives a session).
 * Set after the handler, so error answers carry it too.
 */
export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});
