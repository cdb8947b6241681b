import { execFileSync } from "node:child_process";

/**
 * The worker's own workerd listener, without wrangler dev's proxy in front (production has no
 * such hop): of the ports that workerd listens on, the one that answers /healthz/live.
 */
export async function findDirectUrl(workerdPid: number, proxyUrl: string): Promise<string> {
  const ports = execFileSync("ss", ["-Hltnp"], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes(`pid=${workerdPid},`))
    .map((line) => /127\.0\.0\.1:(\d+)/.exec(line)?.[1])
    .filter((port): port is string => port !== undefined);
  for (const port of ports) {
    const url = `http://127.0.0.1:${port}`;
    if (url === proxyUrl) continue;
    const res = await fetch(`${url}/healthz/live`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    const body = res?.ok ? await res.text() : "";
    if (body.includes('"ok"')) return url;
  }
  throw new Error(`no port of workerd ${workerdPid} answers /healthz/live`);
}
