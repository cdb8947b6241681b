import type { Context } from "hono";
import { Hono } from "./hono-app";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/errors";
import { jsonBody } from "../middleware/json-body";
import { validate } from "../middleware/validate";
import { requireUser } from "../middleware/auth";
import { clientAddress, limitByEmail, limitByIp } from "../middleware/rate-limit";
import { noStore } from "../middleware/no-store";
import { changePassword, loginUser, registerUser, toPublicUser, verifyPasswordOf } from "../services/accounts";
import { deleteAccount } from "../services/account-deletion";
import { endSession, rotateSession, type Session } from "../services/sessions";
import { refreshTokenTtlSeconds } from "../services/tokens";
import { changePasswordInput, deleteAccountInput, exportInput, loginInput, refreshInput, registerInput, settingsInput } from "./auth-input";
import { settingsOf, updateSettings } from "../services/account-settings";
import { exportAccount } from "../services/account-export";
import { exportAccountZip } from "../services/account-export-zip";
import { zipDownload } from "./zip-response";

const cookieName = "refresh_token";
const cookieOptions = { httpOnly: true, secure: true, sameSite: "Strict", path: "/auth" } as const;

function sessionBody(c: Context, session: Session) {
  setCookie(c, cookieName, session.refreshToken, { ...cookieOptions, maxAge: refreshTokenTtlSeconds });
  return {
    access_token: session.accessToken,
    token_type: "Bearer" as const,
    expires_in: session.expiresIn,
    refresh_token: session.refreshToken,
  };
}

/** Browsers send the HttpOnly cookie; other clients may send {refresh_token} instead. Undefined: neither came. */
async function presentedRefreshToken(c: Context): Promise<string | undefined> {
  let fromBody: string | undefined;
  if (/^application\/json/i.test(c.req.header("content-type") ?? "")) {
    const body = await c.req.json().catch(() => undefined);
    const parsed = v.safeParse(refreshInput, body ?? {});
    if (!parsed.success) throw new AppError(400, "invalid_request", "refresh_token must be a string", { field: "refresh_token" });
    fromBody = parsed.output.refresh_token;
  }
  const token = fromBody ?? getCookie(c, cookieName);
  if (token === "") throw new AppError(401, "invalid_refresh_token", "No session to refresh; sign in", { headers: { "WWW-Authenticate": "Bearer" } });
  return token;
}

export const auth = new Hono<AppEnv>()
  .use(noStore)
  .post("/register", limitByIp("register"), jsonBody(), validate("json", registerInput), async (c) => {
    const input = c.req.valid("json");
    await limitByEmail(c, "register", input.email);
    const user = await registerUser(c.var.deps, input);
    return c.json({ message: "Account created", user }, 201);
  })
  .post("/login", limitByIp("login"), jsonBody(), validate("json", loginInput), async (c) => {
    const input = c.req.valid("json");
    const { user, ...session } = await loginUser(c.var.deps, input, {
      address: clientAddress(c),
      // Guesses from places the account never signed in from share one per-email limit; its owner at home is not stopped by them.
      limitNewPlace: () => limitByEmail(c, "login", input.email),
    });
    return c.json({ ...sessionBody(c, session), user }, 200);
  })
  .post("/refresh", limitByIp("refresh"), jsonBodyIfAny(), async (c) => {
    const token = await presentedRefreshToken(c);
    // No cookie and no body token: a visitor who is not signed in. Nothing to refresh is not an
    // error, so a signed-out page load logs no failed request; a token that fails is still 401.
    if (token === undefined) return c.body(null, 204, { "cache-control": "no-store" });
    const { user, ...session } = await rotateSession(c.var.deps, token).catch((error: unknown) => {
      deleteCookie(c, cookieName, cookieOptions);
      throw error;
    });
    return c.json({ ...sessionBody(c, session), user: toPublicUser(user) }, 200);
  })
  .post("/logout", jsonBodyIfAny(), async (c) => {
    const token = await presentedRefreshToken(c).catch(() => undefined);
    if (token) await endSession(c.var.deps, token);
    deleteCookie(c, cookieName, cookieOptions);
    return c.body(null, 204);
  })
  .get("/me", requireUser, (c) => c.json({ user: toPublicUser(c.var.user), settings: settingsOf(c.var.user) }, 200))
  .patch("/me", requireUser, jsonBody(), validate("json", settingsInput), async (c) => {
    const settings = await updateSettings(c.var.deps, c.var.user, c.req.valid("json"));
    return c.json({ user: toPublicUser(c.var.user), settings }, 200);
  })
  .get("/me/export", requireUser, validate("query", exportInput), async (c) => {
    const name = `image-service-export-${new Date().toISOString().slice(0, 10)}`;
    if (c.req.valid("query").format === "zip") {
      const archive = await exportAccountZip(c.var.deps, c.var.user);
      const { body, headers } = zipDownload(archive, `${name}.zip`);
      return c.body(body, 200, { ...headers, "x-export-images": String(archive.images), "x-export-image-bytes": String(archive.imageBytes) });
    }
    c.header("content-disposition", `attachment; filename="${name}.json"`);
    c.header("cache-control", "no-store");
    return c.body(exportAccount(c.var.deps, c.var.user), 200, { "content-type": "application/json; charset=utf-8" });
  })
  .post("/password", requireUser, jsonBody(), validate("json", changePasswordInput), async (c) => {
    const { user, ...session } = await changePassword(c.var.deps, c.var.user, c.req.valid("json"), clientAddress(c));
    return c.json({ message: "Password changed; other sessions were signed out", ...sessionBody(c, session), user }, 200);
  })
  .delete("/me", requireUser, jsonBody(), validate("json", deleteAccountInput), async (c) => {
    await verifyPasswordOf(c.var.deps, c.var.user, c.req.valid("json").password, clientAddress(c));
    await deleteAccount(c.var.deps, c.var.user.id);
    deleteCookie(c, cookieName, cookieOptions);
    return c.body(null, 204);
  });

/** Refresh and logout may come with no body at all (cookie only); a body must still be small JSON. */
function jsonBodyIfAny() {
  const guard = jsonBody();
  return async (c: Context, next: () => Promise<void>) => {
    const hasBody = c.req.header("content-length") !== undefined && c.req.header("content-length") !== "0";
    if (hasBody || c.req.header("transfer-encoding")) return guard(c, next);
    await next();
  };
}
