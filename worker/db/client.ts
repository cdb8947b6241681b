import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import { type NeonHttpClient, type NeonHttpQueryResultHKT, NeonHttpSession } from "drizzle-orm/neon-http/session";
import { PgDatabase, PgDialect } from "drizzle-orm/pg-core";
import { neonHttp } from "./neon-http";

const dialect = new PgDialect({ casing: "snake_case" });
// No relational schema: nothing uses db.query, and building it brought drizzle's relations code into the bundle (F4).
type NoSchema = Record<string, never>;

/**
 * drizzle's neon-http session over our own fetch client (db/neon-http.ts) rather than
 * @neondatabase/serverless: one fetch per query, so a client per request costs nothing.
 * `fetchEndpoint` points it at the local Neon-HTTP stand-in; left empty in production,
 * where the endpoint comes from the connection string's host, as the driver derives it.
 */
export function createDb(databaseUrl: string, fetchEndpoint: string) {
  // The session calls the client as `(sql, params, options)`, the one signature neonHttp has.
  const client = neonHttp(databaseUrl, fetchEndpoint) as unknown as NeonHttpClient;
  return new NeonHttpDb(new NeonHttpSession(client, dialect, undefined));
}

/**
 * drizzle's NeonHttpDatabase (a PgDatabase with `batch`) without its module: neon-http/driver.js
 * imports @neondatabase/serverless for its type parsers, and with it 145 KiB (minified) of
 * driver that db/neon-http.ts replaces, which came back into the bundle (F4) through that import.
 */
class NeonHttpDb extends PgDatabase<NeonHttpQueryResultHKT> {
  constructor(private readonly neonSession: NeonHttpSession<NoSchema, NoSchema>) {
    super(dialect, neonSession, undefined);
  }

  /** Several queries in one HTTP request and one transaction (db/neon-http.ts), results in order. */
  batch<U extends BatchItem<"pg">, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>> {
    return this.neonSession.batch(batch);
  }
}
