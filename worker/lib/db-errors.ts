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
