import { createWriteStream } from "node:fs";
import { freePort } from "../local/free-port";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWeb } from "../build-web";
import { startStack } from "../local/stack";
import { startWranglerDev } from "../local/wrangler-dev";

export interface E2eServer {
  /** http://127.0.0.1:<port>: the SPA and the API, as `npm run dev` serves them. */
  url: string;
  /** The offline Gemini stand-in, whose /__admin/faults makes an analysis fail on purpose. */
  geminiUrl: string;
  /** The stand-ins' admin routes want it in x-admin-token. */
  adminToken: string;
  close(): Promise<void>;
}

/**
 * The app as `npm run dev` runs it, but throwaway: in-memory PGlite, a temporary bucket
 * directory and free ports, so it never meets a developer's data or a running dev server.
 * Every service's output goes to `logFile`, to read when a test fails. `allowedOrigins` may
 * call the API cross-origin (ALLOWED_ORIGINS).
 */
export async function startE2eServer(opts: { logFile: string; allowedOrigins?: string[] }): Promise<E2eServer> {
  const dir = await mkdtemp(join(tmpdir(), "eis-e2e-"));
  await mkdir(join(opts.logFile, ".."), { recursive: true });
  const logStream = createWriteStream(opts.logFile);
  const log = (service: string, line: string) => logStream.write(`[${service}] ${line}\n`);
  const cleanUp: (() => Promise<unknown>)[] = [
    () => rm(dir, { recursive: true, force: true }),
    () => new Promise((resolve) => logStream.end(resolve)),
  ];
  const close = async () => {
    for (const step of cleanUp.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const [stack] = await Promise.all([
      startStack({ database: { kind: "pglite" }, s3Dir: join(dir, "s3"), log }),
      buildWeb({ quiet: true }),
    ]);
    cleanUp.push(() => stack.close());
    const worker = await startWranglerDev({
      port: await freePort(),
      vars: opts.allowedOrigins?.length ? { ...stack.workerVars, ALLOWED_ORIGINS: opts.allowedOrigins.join(",") } : stack.workerVars,
      envFile: join(dir, "worker.env"),
      persistTo: join(dir, "wrangler"),
      log: (line) => log("worker", line),
    });
    cleanUp.push(() => worker.stop());
    return { url: worker.url, geminiUrl: stack.gemini.url, adminToken: stack.adminToken, close };
  } catch (error) {
    await close();
    throw error;
  }
}

