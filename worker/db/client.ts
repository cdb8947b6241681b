import { createTableRelationsHelpers, type ExtractTablesWithRelations, extractTablesRelationalConfig, type RelationalSchemaConfig } from "drizzle-orm";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import { type NeonHttpClient, type NeonHttpQueryResultHKT, NeonHttpSession } from "drizzle-orm/neon-http/session";
import { PgDatabase, PgDialect } from "drizzle-orm/pg-core";
import { neonHttp } from "./neon-http";
import * as schema from "./schema";

const dialect = new PgDialect({ casing: "snake_case" });
const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
type Tables = ExtractTablesWithRelations<typeof schema>;
// What drizzle() builds from `schema`, built once per isolate instead of once per request.
const relations = { fullSchema: schema, schema: tables.tables as Tables, tableNamesMap: tables.tableNamesMap } satisfies RelationalSchemaConfig<Tables>;

/**
 * drizzle's neon-http session over our own fetch client (db/neon-http.ts) rather than
 * @neondatabase/serverless: one fetch per query, so a client per request costs nothing.
 * `fetchEndpoint` points it at the local Neon-HTTP stand-in; left empty in production,
 * where the endpoint comes from the connection string's host, as the driver derives it.
 */
export function createDb(databaseUrl: string, fetchEndpoint: string) {
  // The session calls the client as `(sql, params, options)`, the one signature neonHttp has.
  const client = neonHttp(databaseUrl, fetchEndpoint) as unknown as NeonHttpClient;
  return new NeonHttpDb(new NeonHttpSession(client, dialect, relations));
}

/**
 * drizzle's NeonHttpDatabase (a PgDatabase with `batch`) without its module: neon-http/driver.js
 * imports @neondatabase/serverless for its type parsers, and with it 145 KiB (minified) of
 * driver that db/neon-http.ts replaces, which came back into the bundle (F4) through that import.
 */
class NeonHttpDb extends PgDatabase<NeonHttpQueryResultHKT, typeof schema> {
  constructor(private readonly neonSession: NeonHttpSession<typeof schema, Tables>) {
    super(dialect, neonSession, relations);
  }

  /** Several queries in one HTTP request and one transaction (db/neon-http.ts), results in order. */
  batch<U extends BatchItem<"pg">, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>> {
    return this.neonSession.batch(batch);
  }
}
