import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "../env";
import { isDatabaseUnavailable, neonDbError } from "../lib/db-errors";
import { AppError, codeForStatus } from "../lib/errors";

/** The one place errors become responses: `{message, code}`, never a stack or SQL. */
export function errorResponse(error: Error, c: Context) {
  if (error instanceof AppError) {
    // A 503 the client may retry (database_unavailable on upload) still needs its cause in the log.
    if (error.status >= 500 && error.cause instanceof Error) console.error(`${error.code} [${c.get("requestId") ?? "-"}]`, ...describe(error.cause));
    const field = error.field ? { field: error.field } : {};
    return c.json({ message: error.message, code: error.code, ...field }, error.status, error.headers);
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const headers = Object.fromEntries(error.getResponse().headers);
    delete headers["content-type"];
    delete headers["content-length"];
    return c.json({ message: error.message || "Request failed", code: codeForStatus(status) }, status, headers);
  }
  if (error instanceof ConfigError) {
    // Names of the bad variables help the operator and reveal no value.
    console.error(error.message);
    return c.json({ message: error.message, code: "config_invalid" }, 500);
  }
  const logged = describe(error);
  if (isDatabaseUnavailable(error)) {
    console.error(`database unavailable [${c.get("requestId") ?? "-"}]`, ...logged);
    return c.json({ message: "The database is unavailable; try again shortly", code: "database_unavailable" }, 503, { "Retry-After": "5" });
  }
  console.error(`unhandled error [${c.get("requestId") ?? "-"}]`, ...logged);
  return c.json({ message: "Internal server error", code: "internal" }, 500);
}

/** The driver's error, not drizzle's wrapper: the wrapper's message lists the query's parameters (hashes, emails). */
function describe(error: Error): string[] {
  const dbError = neonDbError(error);
  return dbError ? [dbError.name, String(dbError.code ?? "-"), dbError.message] : [error.name, error.message];
}
