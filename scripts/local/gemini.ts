import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { adminTokenHeader, hasAdminToken } from "./admin-token";
import { keepIdleConnections } from "./keep-alive";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { GeminiFaults } from "./gemini/faults";
import { googleError, parseGenerateRequest, replyTo, type Reply } from "./gemini/generate-content";
import { HeldAnswers } from "./gemini/held-answers";
import { RequestLog, type RequestOutcome } from "./gemini/request-log";

/**
 * An offline stand-in for Gemini's generateContent REST endpoint: it answers from
 * the image itself (format, size, dominant colours) and lets tests script faults
 * through /__admin/faults, release held answers through /__admin/release and read
 * what it received from /__admin/requests (each with the run's x-admin-token).
 */
export interface GeminiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Context {
  apiKey: string;
  adminToken: string;
  defaultLatencyMs: number;
  faults: GeminiFaults;
  held: HeldAnswers;
  requests: RequestLog;
}

// Gemini refuses inline requests above 20 MB.
const maxBodyBytes = 20 * 1024 * 1024;
const generateContentPath = /^\/v1beta\/models\/([\w.-]+):generateContent$/;

export async function startGeminiServer(opts: {
  port?: number;
  host?: string;
  apiKey: string;
  /** Required in x-admin-token by /__admin/* (see admin-token.ts). */
  adminToken: string;
  defaultLatencyMs?: number;
  log?: (line: string) => void;
}): Promise<GeminiServer> {
  if (!opts.apiKey) throw new Error("startGeminiServer needs a non-empty apiKey");
  const context: Context = {
    apiKey: opts.apiKey,
    adminToken: opts.adminToken,
    defaultLatencyMs: opts.defaultLatencyMs ?? 0,
    faults: new GeminiFaults(),
    held: new HeldAnswers(),
    requests: new RequestLog(),
  };
  const server = createServer((req, res) => {
    const started = performance.now();
    // Logs the path only: a key sent in the query must not reach a log line.
    const path = new URL(req.url ?? "/", "http://local").pathname;
    handle(req, res, context)
      .catch((error: unknown) => send(res, googleError(500, `stand-in failure: ${String(error)}`)))
      .finally(() => {
        const status = res.headersSent ? res.statusCode : "no-response";
        opts.log?.(`${req.method} ${path} ${status} ${Math.round(performance.now() - started)}ms`);
      });
  });
  keepIdleConnections(server);
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Timeout-mode requests hold their sockets open until the client leaves; end them now.
      server.closeAllConnections();
      await closed;
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, context: Context): Promise<void> {
  const url = new URL(req.url ?? "/", "http://local");
  if (url.pathname.startsWith("/__admin/") && !hasAdminToken(req, context.adminToken)) {
    return send(res, jsonReply(401, { message: `admin routes need the run's token in ${adminTokenHeader}` }));
  }
  if (url.pathname === "/__admin/faults") return handleFaultsAdmin(req, res, url, context.faults);
  if (url.pathname === "/__admin/requests" && req.method === "GET") {
    return send(res, jsonReply(200, { requests: context.requests.list(url.searchParams.get("sha256") ?? undefined) }));
  }
  if (url.pathname === "/__admin/release" && req.method === "POST") {
    const sha256 = url.searchParams.get("sha256")?.toLowerCase() ?? "";
    if (!/^[0-9a-f]{64}$/.test(sha256)) return send(res, jsonReply(400, { message: "give ?sha256= of the held image" }));
    return send(res, jsonReply(200, { released: context.held.release(sha256) }));
  }
  const model = generateContentPath.exec(decodeURIComponent(url.pathname))?.[1];
  if (!model || req.method !== "POST") {
    return send(res, googleError(404, `${req.method} ${url.pathname} is not a method this stand-in serves.`));
  }
  return generateContent(req, res, { model, urlHadKey: url.searchParams.has("key") }, context);
}

async function generateContent(
  req: IncomingMessage,
  res: ServerResponse,
  call: { model: string; urlHadKey: boolean },
  context: Context,
): Promise<void> {
  const clientGone = abortWhenClosed(res);
  const body = await readBody(req);
  const request = body ? await parseGenerateRequest(body) : undefined;
  const keyHeader = req.headers["x-goog-api-key"];
  const entry = context.requests.record({
    model: call.model,
    image: typeof request === "object" ? request.image : undefined,
    apiKeyInHeader: keyHeader !== undefined,
    urlHadKey: call.urlHadKey,
  });
  const finish = (outcome: RequestOutcome, reply: Reply) => {
    entry.outcome = outcome;
    entry.usage = reply.usage ?? null;
    send(res, reply);
  };

  if (call.urlHadKey) return finish("key_in_url", googleError(400, "API key must be sent in the x-goog-api-key header"));
  if (keyHeader === undefined) {
    return finish("forbidden", googleError(403, "Method doesn't allow unregistered callers. Send the API key in x-goog-api-key."));
  }
  if (keyHeader !== context.apiKey) return finish("forbidden", googleError(403, "API key not valid. Please pass a valid API key."));
  if (!body) return finish("invalid_request", googleError(400, `Request payload size exceeds the limit: ${maxBodyBytes} bytes.`));
  if (typeof request !== "object") return finish("invalid_request", googleError(400, request ?? "Invalid request."));

  const plan = context.faults.take(request.image.sha256);
  // Latency and hold only delay the normal answer.
  const fault = plan.fault?.type === "latency" || plan.fault?.type === "hold" ? undefined : plan.fault;
  const latencyMs = context.defaultLatencyMs + plan.latencyMs + (plan.fault?.type === "latency" ? plan.fault.ms : 0);
  entry.outcome = fault ? `fault:${fault.type}` : "pending";
  try {
    if (latencyMs) await sleep(latencyMs, undefined, { signal: clientGone });
    if (plan.fault?.type === "hold") await context.held.wait(request.image.sha256, clientGone);
    // Timeout mode never answers: the request ends when the client gives up or the server closes.
    if (fault?.type === "timeout") await untilAborted(clientGone);
  } catch {
    if (entry.outcome === "pending") entry.outcome = "client_gone";
    return;
  }
  const reply = replyTo(request, fault);
  // An image Gemini could not read is refused before any scripted fault would show.
  const unreadable = reply.status === 400 && fault?.type !== "status";
  finish(unreadable ? "invalid_request" : fault ? `fault:${fault.type}` : "ok", reply);
}

async function handleFaultsAdmin(req: IncomingMessage, res: ServerResponse, url: URL, faults: GeminiFaults) {
  try {
    if (req.method === "DELETE") faults.clear(url.searchParams.get("sha256") ?? undefined);
    else if (req.method === "POST") faults.configure(JSON.parse((await readBody(req))?.toString("utf8") ?? "null"));
    else return send(res, jsonReply(405, { message: "use POST or DELETE" }));
    return send(res, { status: 204, body: "" });
  } catch (error) {
    return send(res, jsonReply(400, { message: error instanceof Error ? error.message : String(error) }));
  }
}

function abortWhenClosed(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once("close", () => controller.abort());
  return controller.signal;
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** The body, or undefined when it is larger than Gemini accepts (the rest is drained unread). */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBodyBytes) chunks.push(chunk);
  }
  return size <= maxBodyBytes ? Buffer.concat(chunks) : undefined;
}

function jsonReply(status: number, body: unknown): Reply {
  return { status, body: JSON.stringify(body) };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  if (reply.status === 204) return void res.writeHead(204).end();
  const headers = { "content-type": "application/json; charset=UTF-8", ...reply.headers };
  res.writeHead(reply.status, { ...headers, "content-length": Buffer.byteLength(reply.body) }).end(reply.body);
}
