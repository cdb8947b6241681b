import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { ConfigError, getConfig } from "../worker/env";
import { buildWeb } from "./build-web";
import { startStack, type DatabaseChoice, type Stack } from "./local/stack";
import { startWranglerDev, type WranglerDev } from "./local/wrangler-dev";
import { createLogger } from "./log";

/**
 * `npm run dev`: the local stand-ins, migrations, the SPA build and `wrangler dev`,
 * in one process tree that one Ctrl-C stops. Any failure names its cause and exits 1.
 */
const log = createLogger();
const dataDir = ".data";
const portVariables = { worker: "PORT", db: "LOCAL_DB_PORT", s3: "LOCAL_S3_PORT", gemini: "LOCAL_GEMINI_PORT", inspector: "INSPECTOR_PORT" } as const;

// Worker settings a user may set in the shell to override the local defaults.
const passThrough = ["MAX_UPLOAD_BYTES", "FILE_URL_TTL", "GEMINI_MODEL", "ALLOWED_ORIGINS"];

let stack: Stack | undefined;
let worker: WranglerDev | undefined;
let stopping = false;

async function main() {
  process.on("SIGINT", () => void shutdown("stopping", 0));
  process.on("SIGTERM", () => void shutdown("stopping", 0));
  if (Number(process.versions.node.split(".")[0]) < 22) {
    // npm scripts run on node_modules/.bin/node, which the `node` package's preinstall provides (package.json allowScripts).
    fail(`Node 22 is needed, this is Node ${process.versions.node}: the \`node\` package's install script did not run; \`npm rebuild node\` runs it`);
  }
  const port = portSetting("worker", 8787);
  const ports = { neon: portSetting("db", 8788), s3: portSetting("s3", 8789), gemini: portSetting("gemini", 8790) };
  // wrangler's DevTools inspector: unset, a port free now (wrangler's 9229 is often taken).
  const inspectorPort = process.env.INSPECTOR_PORT ? portSetting("inspector", 0) : undefined;
  const geminiLatencyMs = numberSetting("LOCAL_GEMINI_LATENCY_MS", 0);
  const wanted = { worker: port, db: ports.neon, s3: ports.s3, gemini: ports.gemini, ...(inspectorPort ? { inspector: inspectorPort } : {}) };
  for (const [name, p] of Object.entries(wanted) as [keyof typeof portVariables, number][]) {
    if (!(await isPortFree(p))) fail(`port ${p} (${name}) is already in use; stop what holds it or set ${portVariables[name]}`);
  }
  const database = chooseDatabase(process.env.DATABASE_URL);
  log("dev", database.kind === "pglite" ? `database: PGlite in ${dataDir}/pglite` : `database: Postgres at ${redact(database.url)}`);

  stack = await startStack({
    database,
    s3Dir: `${dataDir}/s3`,
    ports,
    jwtSecret: await persistentSecret(`${dataDir}/jwt-secret`),
    geminiLatencyMs,
    log: (service, line) => log(service, line),
  }).catch((error: unknown) => fail(`a local stand-in failed to start: ${describe(error)}`));
  log("dev", `stand-ins up: db ${stack.neon.url}, s3 ${stack.s3.endpoint}, gemini ${stack.gemini.url}`);

  const vars = workerVars(stack.workerVars);
  try {
    getConfig(vars);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  log("dev", "building the SPA");
  await buildWeb({ quiet: true });
  log("dev", "starting wrangler dev");
  worker = await startWranglerDev({
    port,
    inspectorPort,
    vars,
    envFile: `${dataDir}/dev.env`,
    persistTo: `${dataDir}/wrangler`,
    log: (line) => log("worker", line),
  }).catch((error: unknown) => fail(describe(error)));
  const url = worker.url;
  log("dev", `ready: UI + API on ${url}, DevTools inspector on 127.0.0.1:${worker.inspectorPort} (Ctrl-C stops everything)`);
  void worker.exited.then((code) => shutdown(`wrangler dev exited (code ${code})`, 1));
  // wrangler dev runs no crons by itself; --test-scheduled exposes the handler.
  setInterval(() => void fetch(`${url}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`).catch(() => undefined), 60_000).unref();
}

function workerVars(local: Record<string, string>): Record<string, string> {
  const vars = { ...local };
  // A real key without a base URL means the real Gemini; with one, the user's proxy.
  if (process.env.GEMINI_API_KEY) {
    vars.GEMINI_API_KEY = process.env.GEMINI_API_KEY;
    vars.GEMINI_BASE_URL = process.env.GEMINI_BASE_URL ?? "";
  }
  for (const name of passThrough) if (process.env[name]) vars[name] = process.env[name];
  return vars;
}


async function shutdown(reason: string, code: number) {
  if (stopping) return;
  stopping = true;
  log("dev", reason);
  await worker?.stop();
  await stack?.close();
  process.exit(code);
}

function chooseDatabase(url: string | undefined): DatabaseChoice {
  if (!url) return { kind: "pglite", dataDir: `${dataDir}/pglite` };
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !/^postgres(ql)?:$/.test(parsed.protocol)) fail("DATABASE_URL must be a postgres:// URL (or unset for PGlite)");
  if (!["localhost", "127.0.0.1", "::1", "[::1]"].includes(parsed.hostname)) {
    fail("DATABASE_URL must point at a local Postgres for `npm run dev`; deploy to reach Neon");
  }
  return { kind: "postgres", url };
}

async function persistentSecret(path: string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, "utf8")).trim();
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  await writeFile(path, secret, { mode: 0o600 });
  return secret;
}

function isPortFree(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once("error", () => resolve(false))
      .once("listening", () => probe.close(() => resolve(true)))
      .listen(p, "127.0.0.1");
  });
}

/** A port from its variable, or the default; a bad value fails naming the variable, as Node would not. */
function portSetting(name: keyof typeof portVariables, fallback: number): number {
  const variable = portVariables[name];
  const problem = `${variable} must be a port number from 1 to 65535`;
  const value = numberSetting(variable, fallback, problem);
  if (value < 1 || value > 65_535) fail(problem);
  return value;
}

function numberSetting(variable: string, fallback: number, problem = `${variable} must be a whole number`): number {
  const text = process.env[variable]?.trim();
  if (!text) return fallback;
  if (!/^\d+$/.test(text)) fail(problem);
  return Number(text);
}
const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

function fail(message: string): never {
  if (!stopping) log("dev", `error: ${message}`);
  stopping = true;
  void Promise.all([worker?.stop(), stack?.close()]).finally(() => process.exit(1));
  // Nothing after a failure may run on; the exit above follows once everything is down.
  throw new Error(message);
}

main().catch((error: unknown) => {
  if (!stopping) fail(describe(error));
});
