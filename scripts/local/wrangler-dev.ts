import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { freePort } from "./free-port";

export interface WranglerDev {
  url: string;
  inspectorPort: number;
  child: ChildProcess;
  /** Resolves when wrangler has exited; rejects never. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * `wrangler dev` on 127.0.0.1:port with the given vars (written to an env file readable
 * only by us, since it holds secrets), resolved once /healthz answers 200. Its DevTools
 * inspector listens on `inspectorPort`, or on a port free now: left to itself, wrangler
 * reaches for 9229, and a start that met it taken failed (`Address already in use`).
 */
export async function startWranglerDev(opts: {
  port: number;
  inspectorPort?: number;
  vars: Record<string, string>;
  envFile: string;
  persistTo: string;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}): Promise<WranglerDev> {
  await mkdir(dirname(opts.envFile), { recursive: true });
  await writeFile(opts.envFile, `${Object.entries(opts.vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("\n")}\n`, { mode: 0o600 });
  await chmod(opts.envFile, 0o600);
  const inspectorPort = opts.inspectorPort ?? (await freePort());
  const child = spawn(
    "wrangler",
    ["dev", "--ip", "127.0.0.1", "--port", String(opts.port), "--inspector-port", String(inspectorPort), "--env-file", opts.envFile,
      "--persist-to", opts.persistTo, "--show-interactive-dev-session=false", "--test-scheduled"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      // The worker never reads request.cf, and fetching it offline prints a stack trace on every start.
      env: { CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env, FORCE_COLOR: "0" },
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let portTaken: string | undefined;
  for (const stream of [child.stdout, child.stderr]) {
    pipeLines(stream, (line) => {
      const port = /address already in use \S*?:(\d+)/i.exec(line)?.[1];
      if (port) portTaken ??= port === String(inspectorPort) ? `inspector port ${port}` : `port ${port}`;
      opts.log?.(line);
    });
  }
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  const ready = await Promise.race([waitForHealthy(url, opts.readyTimeoutMs ?? 90_000), exited.then(() => false)]);
  if (!ready) {
    await stop();
    if (portTaken) throw new Error(`wrangler dev could not listen: ${portTaken} is already in use`);
    throw new Error(child.exitCode !== null ? `wrangler dev exited (code ${child.exitCode})` : "wrangler dev did not become healthy in time");
  }
  return { url, inspectorPort, child, exited, stop };
}

async function waitForHealthy(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void) {
  let buffered = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => {
    const lines = (buffered + chunk).split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) onLine(line.replace(/\x1b\[[0-9;]*m/g, ""));
  });
}
