import { createMiddleware } from "hono/factory";
import type { User } from "../db/schema";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/errors";
import { findUserForToken } from "../services/accounts";
import { verifyAccessToken } from "../services/tokens";

const bearer = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/;

/** Protected routes: a valid access token whose user still exists with the same token version. */
export const requireUser = createMiddleware<AppEnv & { Variables: { user: User } }>(async (c, next) => {
  const match = bearer.exec(c.req.header("authorization") ?? "");
  if (!match) {
    throw new AppError(401, "unauthorized", "Sign in first: send Authorization: Bearer <access_token>", {
      headers: { "WWW-Authenticate": "Bearer" },
    });
  }
  const claims = await verifyAccessToken(c.var.deps.config.JWT_SECRET_KEY, match[1]);
  c.set("user", await findUserForToken(c.var.deps, claims));
  await next();
});
