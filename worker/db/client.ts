import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";
import * as schema from "./schema";

/**
 * neon-http is one fetch per query, so a client per request costs nothing.
 * `fetchEndpoint` points the driver at the local Neon-HTTP stand-in; left unset
 * (empty) in production, where the driver derives Neon's endpoint from the URL.
 */
export function createDb(databaseUrl: string, fetchEndpoint: string) {
  if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
  return drizzle({ client: neon(databaseUrl), schema, casing: "snake_case" });
}
