import type { HonoRequest } from "hono";
import type { Deps } from "../deps";
import { createMiddleware } from "hono/factory";
import type { User } from "../db/schema";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/errors";
import { keepOutOfCaches } from "./no-store";
import { Caller } from "../services/caller";
import { verifyAccessToken, verifyUploadCapability } from "../services/tokens";

const bearer = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/;

/** The bearer token's holder, its signature and claims verified; the database not asked yet. */
async function callerOf(req: HonoRequest, deps: Deps): Promise<Caller> {
  const match = bearer.exec(req.header("authorization") ?? "");
  if (!match) {
    throw new AppError(401, "unauthorized", "Sign in first: send Authorization: Bearer <access_token>", {
      headers: { "WWW-Authenticate": "Bearer" },
    });
  }
  return new Caller(deps, await verifyAccessToken(deps.config.JWT_SECRET_KEY, match[1]));
}

/**
 * Protected routes: a valid access token whose user still exists with the same token version and a live session.
 * Every authenticated answer, its errors and 401s included, is marked no-store here (and in requireCaller),
 * once for every router: whatever a signed-in user gets may carry signed URLs, share tokens or account data.
 */
export const requireUser = createMiddleware<AppEnv & { Variables: { user: User } }>((c, next) =>
  keepOutOfCaches(c, async () => {
    c.set("user", await (await callerOf(c.req, c.var.deps)).user());
    await next();
  }),
);

/**
 * The hot reads (listing, timeline, one image): requireUser's rule, but the check goes to the
 * database with the route's own query (Caller.read). A request that ends without that read
 * (a bad query string, an unknown path) is checked then, so a token that is no longer good
 * answers 401 whatever else was wrong, as under requireUser.
 */
export const requireCaller = createMiddleware<AppEnv & { Variables: { caller: Caller } }>((c, next) =>
  keepOutOfCaches(c, async () => {
    const caller = await callerOf(c.req, c.var.deps);
    c.set("caller", caller);
    await next();
    if (!caller.checked) await caller.confirm();
  }),
);

/** Under requireCaller, a route that needs the user's row (any write): checked and read in one query before the handler. */
export const withUser = createMiddleware<AppEnv & { Variables: { caller: Caller; user: User } }>(async (c, next) => {
  c.set("user", await c.var.caller.user());
  await next();
});

/**
 * The direct-upload routes: the bearer token, or an upload capability in the path
 * (`/uploads/c/:capability/…`, for Uppy's Companion mode, which sends no Authorization). Either
 * way the user, token version and session are checked on every call, so signing out or changing
 * the password ends a capability at once: as under requireCaller, the check rides with the
 * route's own query (one request to the database, not two: D1 in docs/performance.md), or is made
 * alone when the request read nothing.
 */
export const requireUploader = createMiddleware<AppEnv & { Variables: { caller: Caller } }>((c, next) =>
  keepOutOfCaches(c, async () => {
    const capability = c.req.param("capability");
    const caller = capability
      ? new Caller(c.var.deps, await verifyUploadCapability(c.var.deps.config.JWT_SECRET_KEY, capability))
      : await callerOf(c.req, c.var.deps);
    c.set("caller", caller);
    await next();
    if (!caller.checked) await caller.confirm();
  }),
);
