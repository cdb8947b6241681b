import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { ConfigError, getConfig } from "../worker/env";
import { buildWeb } from "./build-web";
import { startStack, type DatabaseChoice, type Stack } from "./local/stack";
import { createLogger } from "./log";

/**
 * `npm run dev`: the local stand-ins, migrations, the SPA build and `wrangler dev`,
 * in one process tree that one Ctrl-C stops. Any failure names its cause and exits 1.
 */
const log = createLogger();
const dataDir = ".data";
const port = Number(process.env.PORT ?? 8787);
const ports = {
  neon: Number(process.env.LOCAL_DB_PORT ?? 8788),
  s3: Number(process.env.LOCAL_S3_PORT ?? 8789),
  gemini: Number(process.env.LOCAL_GEMINI_PORT ?? 8790),
};
// Worker settings a user may set in the shell to override the local defaults.
const passThrough = ["MAX_UPLOAD_BYTES", "FILE_URL_TTL", "GEMINI_MODEL", "ALLOWED_ORIGINS"];

let stack: Stack | undefined;
let stopping = false;

async function main() {
  for (const [name, p] of Object.entries({ worker: port, db: ports.neon, s3: ports.s3, gemini: ports.gemini })) {
    if (!(await isPortFree(p))) fail(`port ${p} (${name}) is already in use; stop what holds it or set ${portVariable(name)}`);
  }
  const database = chooseDatabase(process.env.DATABASE_URL);
  log("dev", database.kind === "pglite" ? `database: PGlite in ${dataDir}/pglite` : `database: Postgres at ${redact(database.url)}`);

  stack = await startStack({
    database,
    s3Dir: `${dataDir}/s3`,
    ports,
    jwtSecret: await persistentSecret(`${dataDir}/jwt-secret`),
    geminiLatencyMs: Number(process.env.LOCAL_GEMINI_LATENCY_MS ?? 0),
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
  const envFile = `${dataDir}/dev.env`;
  await writeFile(envFile, Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("\n") + "\n", { mode: 0o600 });
  await chmod(envFile, 0o600);

  log("dev", "building the SPA");
  await buildWeb({ quiet: true });
  startWrangler(envFile);
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

function startWrangler(envFile: string) {
  const child = spawn(
    "wrangler",
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--env-file", envFile, "--persist-to", `${dataDir}/wrangler`,
      "--show-interactive-dev-session=false", "--test-scheduled"],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } },
  );
  let announced = false;
  const onLine = (line: string) => {
    log("worker", line);
    if (!announced && /Ready on/i.test(line)) {
      announced = true;
      void announceWhenHealthy();
    }
  };
  pipeLines(child.stdout, onLine);
  pipeLines(child.stderr, onLine);
  child.on("exit", (code) => {
    if (stopping) return;
    void shutdown(`wrangler dev exited (code ${code})`, 1);
  });
  process.on("SIGINT", () => void shutdown("stopping", 0, child));
  process.on("SIGTERM", () => void shutdown("stopping", 0, child));
  setInterval(() => void triggerSweep(), 60_000).unref();
}

async function announceWhenHealthy() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (res?.ok) {
      log("dev", `ready: UI + API on http://127.0.0.1:${port} (Ctrl-C stops everything)`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  log("dev", `warning: /healthz is not answering 200 after 60 s`);
}

/** wrangler dev runs no crons by itself; --test-scheduled exposes the handler. */
async function triggerSweep() {
  await fetch(`http://127.0.0.1:${port}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`).catch(() => undefined);
}

async function shutdown(reason: string, code: number, child?: ReturnType<typeof spawn>) {
  if (stopping) return;
  stopping = true;
  log("dev", reason);
  child?.kill("SIGTERM");
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

function pipeLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void) {
  let buffered = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (buffered + chunk).split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) onLine(line.replace(/\x1b\[[0-9;]*m/g, ""));
  });
}

const portVariable = (name: string) =>
  ({ worker: "PORT", db: "LOCAL_DB_PORT", s3: "LOCAL_S3_PORT", gemini: "LOCAL_GEMINI_PORT" })[name] ?? name;
const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

function fail(message: string): never {
  log("dev", `error: ${message}`);
  void stack?.close();
  process.exit(1);
}

main().catch((error: unknown) => fail(describe(error)));
