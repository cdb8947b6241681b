import { NeonHttpDatabase } from "drizzle-orm/neon-http/driver";
import { createTableRelationsHelpers, type ExtractTablesWithRelations, extractTablesRelationalConfig, type RelationalSchemaConfig } from "drizzle-orm";
import { type NeonHttpClient, NeonHttpSession } from "drizzle-orm/neon-http/session";
import { PgDialect } from "drizzle-orm/pg-core";
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
  return new NeonHttpDatabase<typeof schema>(dialect, new NeonHttpSession(client, dialect, relations), relations);
}
