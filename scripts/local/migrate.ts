import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Backend } from "./neon-http/backend";

/**
 * Applies drizzle-kit's migrations through the same backend the Neon-HTTP stand-in
 * serves, in one transaction, keeping drizzle's own bookkeeping table so that
 * `drizzle-kit migrate` against real Neon/Postgres sees the same history.
 */
export async function applyMigrations(backend: Backend, migrationsFolder: string) {
  const migrations = readMigrationFiles({ migrationsFolder });
  const [, , last] = await backend.batch(
    [
      { query: "CREATE SCHEMA IF NOT EXISTS drizzle", params: [] },
      {
        query: `CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (
          id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
        params: [],
      },
      { query: "SELECT max(created_at)::text FROM drizzle.__drizzle_migrations", params: [] },
    ],
    {},
  );
  const appliedUpTo = Number(last.rows[0]?.[0] ?? 0);
  const pending = migrations.filter((m) => m.folderMillis > appliedUpTo);
  if (!pending.length) return 0;
  await backend.batch(
    [
      // Two processes migrating one database at once take turns.
      { query: "SELECT pg_advisory_xact_lock(727274)", params: [] },
      ...pending.flatMap((m) => [
        ...m.sql.filter((s) => s.trim()).map((query) => ({ query, params: [] })),
        {
          query: `INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)`,
          params: [m.hash, String(m.folderMillis)],
        },
      ]),
    ],
    {},
  );
  return pending.length;
}
