import { defineConfig } from "drizzle-kit";

// `generate` needs no database; `migrate` (real Neon or Postgres) needs DATABASE_URL.
export default defineConfig({
  dialect: "postgresql",
  schema: "./worker/db/schema.ts",
  out: "./drizzle",
  casing: "snake_case",
  dbCredentials: { url: process.env.DATABASE_URL ?? "" },
});
