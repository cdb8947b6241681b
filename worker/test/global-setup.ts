import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startImageCheckServer } from "../../scripts/local/image-check";
import { localGeminiKey, localS3, startStack, type DatabaseChoice } from "../../scripts/local/stack";

/**
 * Starts the real local stand-ins on free ports for the whole run and hands their
 * addresses to the worker (vitest.config.ts turns them into bindings) and to tests.
 * DATABASE_URL=postgres://… runs the suite on a fresh database of that server.
 */
export default async function setup(project: TestProject) {
  const s3Dir = await mkdtemp(join(tmpdir(), "eis-s3-"));
  const database = await chooseDatabase(process.env.DATABASE_URL);
  const stack = await startStack({ database: database.choice, s3Dir });
  const imageCheck = await startImageCheckServer({ fixturesDir: fileURLToPath(new URL("fixtures", import.meta.url)) });

  project.provide("workerVars", stack.workerVars);
  project.provide("adminToken", stack.adminToken);
  project.provide("neonUrl", stack.neon.url);
  project.provide("databaseUrl", stack.workerVars.DATABASE_URL);
  project.provide("s3Endpoint", stack.s3.endpoint);
  project.provide("s3Bucket", localS3.bucket);
  project.provide("s3Region", localS3.region);
  project.provide("s3AccessKeyId", localS3.accessKeyId);
  project.provide("s3SecretAccessKey", localS3.secretAccessKey);
  project.provide("geminiUrl", stack.gemini.url);
  project.provide("geminiApiKey", localGeminiKey);
  project.provide("imageCheckUrl", imageCheck.url);

  return async () => {
    await imageCheck.close();
    await stack.close();
    await database.drop();
    await rm(s3Dir, { recursive: true, force: true });
  };
}

async function chooseDatabase(url: string | undefined): Promise<{ choice: DatabaseChoice; drop(): Promise<void> }> {
  if (!url || !/^postgres(ql)?:\/\//.test(url)) return { choice: { kind: "pglite" }, drop: async () => {} };
  // A fresh database per run: tests never meet rows of an earlier run, and nothing is left behind.
  const name = `eis_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  return {
    choice: { kind: "postgres", url: testUrl.toString() },
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
