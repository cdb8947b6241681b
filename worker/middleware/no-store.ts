import type { Context, Next } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/**
 * For answers that carry tokens, signed file URLs or account data: no browser or shared
 * cache may keep them (a signed URL outlives a logout; a cached token body outlives a session).
 * Set before the rest runs, so an error thrown further in (a 401 too) is answered with it, and
 * again after, so a handler's own headers cannot drop it.
 */
export async function keepOutOfCaches(c: Context, next: Next) {
  c.header("Cache-Control", "no-store");
  await next();
  c.header("Cache-Control", "no-store");
}

/**
 * The token endpoints, which answer without an access token (sign-in, refresh). Every
 * authenticated answer gets the same from the auth middleware itself.
 */
export const noStore = createMiddleware<AppEnv>(keepOutOfCaches);
