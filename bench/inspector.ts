import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** The workerd processes under `rootPid` (wrangler's proxy and the one running the worker). */
export function findWorkerds(rootPid: number): { pid: number; runsWorker: boolean }[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the name in field 2 may hold spaces.
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found: { pid: number; runsWorker: boolean }[] = [];
  const queue = [rootPid];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const cmdline = readCmdline(pid);
    // The worker's own workerd is the one wrangler starts with an inspector.
    if (cmdline.includes("workerd\0serve")) found.push({ pid, runsWorker: cmdline.includes("--inspector-addr") });
    queue.push(...(children.get(pid) ?? []));
  }
  if (!found.some((w) => w.runsWorker)) throw new Error(`no workerd running the worker under pid ${rootPid}`);
  return found;
}

const readCmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
};

export interface Inspector {
  send<T = unknown>(method: string, params?: object): Promise<T>;
  close(): void;
}

// Node's WebSocket (undici) takes request headers; the DOM type it is declared with does not say so.
const WebSocketWithHeaders = WebSocket as unknown as new (url: string, init: { headers: Record<string, string> }) => WebSocket;

/**
 * A DevTools session on the worker through wrangler's inspector proxy (workerd takes one
 * session, and wrangler holds it). The proxy listens on one of its workerd's ports.
 */
export async function connectInspector(workerdPids: number[]): Promise<Inspector> {
  const ports = execFileSync("ss", ["-Hltnp"], { encoding: "utf8" })
    .split("\n")
    .filter((line) => workerdPids.some((pid) => line.includes(`pid=${pid},`)))
    .map((line) => /127\.0\.0\.1:(\d+)/.exec(line)?.[1])
    .filter((port): port is string => port !== undefined);
  for (const port of ports) {
    const targets = (await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(2000) })
      .then((res) => res.json())
      .catch(() => undefined)) as { webSocketDebuggerUrl?: string }[] | undefined;
    const url = Array.isArray(targets) ? targets.find((t) => t.webSocketDebuggerUrl?.endsWith("/ws"))?.webSocketDebuggerUrl : undefined;
    if (url) return open(url);
  }
  throw new Error("wrangler's inspector proxy was not found");
}

async function open(url: string): Promise<Inspector> {
  // The proxy refuses a DevTools client without a local Origin.
  const socket = new WebSocketWithHeaders(url, { headers: { Origin: "http://localhost" } });
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`cannot open ${url}`)), { once: true });
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id as number);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  socket.addEventListener("close", () => {
    for (const waiter of pending.values()) waiter.reject(new Error("inspector closed"));
    pending.clear();
  });
  return {
    send: <T>(method: string, params?: object) =>
      new Promise<T>((resolve, reject) => {
        pending.set(++nextId, { resolve: resolve as (v: unknown) => void, reject });
        socket.send(JSON.stringify({ id: nextId, method, params }));
      }),
    close: () => socket.close(),
  };
}
