import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { newAdminToken } from "./admin-token";
import { startGeminiServer, type GeminiServer } from "./gemini";
import { applyMigrations } from "./migrate";
import { startNeonHttpServer, type NeonHttpServer } from "./neon-http";
import { createPgliteBackend, createPostgresBackend, type Backend } from "./neon-http/backend";
import { startS3Server, type S3Server } from "./s3";

export type DatabaseChoice = { kind: "pglite"; dataDir?: string } | { kind: "postgres"; url: string };

export interface StackOptions {
  database: DatabaseChoice;
  s3Dir: string;
  ports?: { neon?: number; s3?: number; gemini?: number };
  jwtSecret?: string;
  geminiLatencyMs?: number;
  log?: (service: "db" | "s3" | "gemini", line: string) => void;
}

export interface Stack {
  /** What the worker needs to talk to this stack, by the names worker/env.ts reads. */
  workerVars: Record<string, string>;
  /** This run's token for the stand-ins' /__admin/* routes, sent as x-admin-token. */
  adminToken: string;
  neon: NeonHttpServer;
  s3: S3Server;
  gemini: GeminiServer;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

export const localS3 = {
  region: "us-east-1",
  bucket: "images",
  accessKeyId: "local-access-key",
  secretAccessKey: "local-secret-access-key",
};
export const localGeminiKey = "local-gemini-key";

/** Starts every local stand-in, rolling back the ones already up if a later one fails. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };
  // Fresh for every run: any web page can reach 127.0.0.1, so neither the admin routes nor
  // the database answer without them (see admin-token.ts).
  const adminToken = newAdminToken();
  const credentials = { user: "local", password: randomBytes(24).toString("base64url") };
  // The worker's connection string names the stand-in's credentials, whichever database is behind it.
  const databaseUrl = `postgresql://${credentials.user}:${credentials.password}@localhost/local`;
  try {
    const backend = await startBackend(opts.database);
    closers.push(() => backend.close());
    await applyMigrations(backend, migrationsFolder);

    const neon = await startNeonHttpServer({ backend, credentials, adminToken, port: opts.ports?.neon, log: (l) => opts.log?.("db", l) });
    closers.push(() => neon.close());

    await mkdir(opts.s3Dir, { recursive: true });
    const s3 = await startS3Server({ dir: opts.s3Dir, port: opts.ports?.s3, ...localS3, adminToken, log: (l) => opts.log?.("s3", l) });
    closers.push(() => s3.close());

    const gemini = await startGeminiServer({
      port: opts.ports?.gemini,
      apiKey: localGeminiKey,
      adminToken,
      defaultLatencyMs: opts.geminiLatencyMs,
      log: (l) => opts.log?.("gemini", l),
    });
    closers.push(() => gemini.close());

    return {
      neon,
      s3,
      gemini,
      adminToken,
      close: closeAll,
      workerVars: {
        DATABASE_URL: databaseUrl,
        NEON_FETCH_ENDPOINT: neon.url,
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET_NAME: localS3.bucket,
        S3_REGION: localS3.region,
        AWS_ACCESS_KEY_ID: localS3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localS3.secretAccessKey,
        GEMINI_API_KEY: localGeminiKey,
        GEMINI_BASE_URL: gemini.url,
        JWT_SECRET_KEY: opts.jwtSecret ?? randomBytes(32).toString("base64url"),
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function startBackend(choice: DatabaseChoice): Promise<Backend> {
  if (choice.kind === "pglite") {
    if (choice.dataDir) await mkdir(choice.dataDir, { recursive: true });
    return createPgliteBackend(choice.dataDir);
  }
  return createPostgresBackend(choice.url);
}
