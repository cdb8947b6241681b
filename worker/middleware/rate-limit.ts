import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/errors";

const periodSeconds = 60;

const tooMany = (message = "Too many attempts; try again in a minute") =>
  new AppError(429, "rate_limited", message, {
    headers: { "Retry-After": String(periodSeconds) },
  });

/** The client's address as Cloudflare saw it. */
export const clientAddress = (c: Context) => c.req.header("cf-connecting-ip") ?? "unknown";

/** Per client IP, before any parsing or hashing: cheap to refuse, whatever the body. */
export function limitByIp(action: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const ip = clientAddress(c);
    if (!(await c.env.AUTH_IP_LIMITER.limit({ key: `${action}:ip:${ip}` })).success) throw tooMany();
    await next();
  });
}

/** Per target email, so one account cannot be guessed at from many IPs. */
export async function limitByEmail(c: Context<AppEnv>, action: string, email: string) {
  if (!(await c.env.AUTH_EMAIL_LIMITER.limit({ key: `${action}:email:${email}` })).success) throw tooMany();
}

/** Per signed-in user, for requests that start a paid model call (re-analysis). */
export async function limitAnalyses(bindings: Pick<Cloudflare.Env, "ANALYSIS_LIMITER">, userId: string) {
  if (!(await bindings.ANALYSIS_LIMITER.limit({ key: `analysis:user:${userId}` })).success) {
    throw tooMany("Too many analyses asked for; try again in a minute");
  }
}
