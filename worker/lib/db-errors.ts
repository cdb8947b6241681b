/** Postgres error fields, wherever drizzle or the driver put them (drizzle wraps in `cause`). */
export function postgresError(error: unknown): { code?: string; constraint?: string } {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const { code, constraint } = e as { code?: unknown; constraint?: unknown };
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      return { code, constraint: typeof constraint === "string" ? constraint : undefined };
    }
  }
  return {};
}

export const isUniqueViolation = (error: unknown, constraint: string) => {
  const pg = postgresError(error);
  return pg.code === "23505" && pg.constraint === constraint;
};

/** The driver's NeonDbError under drizzle's wrapper (whose own message carries the SQL and its parameters). */
export function neonDbError(error: unknown): (Error & { code?: unknown }) | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e.name === "NeonDbError") return e;
  return undefined;
}

/**
 * The database did not answer: the Neon endpoint unreachable or failing over HTTP (no SQLSTATE),
 * or Postgres refusing work for now (connection, resources, shutdown, serialization). A retry may
 * succeed, so this is a 503, unlike an error the database answered a query with.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const dbError = neonDbError(error);
  if (!dbError) return false;
  const { code } = dbError;
  return typeof code !== "string" || /^(08|53|57)/.test(code) || code === "40001" || code === "40P01";
}
