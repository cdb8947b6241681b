import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { adminTokenHeader, hasAdminToken } from "./admin-token";
import { keepIdleConnections } from "./keep-alive";
import type { AddressInfo, Socket } from "node:net";
import type { Backend, BatchOptions, RawResult, Statement } from "./neon-http/backend";
import { DbFaults } from "./neon-http/faults";
import { InjectedLatency } from "./latency";

/**
 * A local endpoint speaking the HTTP protocol of Neon's serverless driver, so the
 * worker runs the production driver unchanged (neonConfig.fetchEndpoint points here).
 * POST /sql with {query, params} or {queries: [...]}; values travel as Postgres text.
 * Only the stack's own user and password are served, whichever database is behind.
 */
export interface NeonHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const maxBodyBytes = 64 * 1024 * 1024;

const errorFields = [
  "severity", "code", "detail", "hint", "position", "internalPosition", "internalQuery", "where",
  "schema", "table", "column", "dataType", "constraint", "file", "line", "routine",
] as const;

/** Who may query: the user and password the stack put in the worker's DATABASE_URL. */
export interface NeonCredentials {
  user: string;
  password: string;
}

export async function startNeonHttpServer(opts: {
  backend: Backend;
  credentials: NeonCredentials;
  /** Required in x-admin-token by /__admin/* (see admin-token.ts). */
  adminToken: string;
  port?: number;
  host?: string;
  log?: (line: string) => void;
}): Promise<NeonHttpServer> {
  const faults = new DbFaults();
  const latency = new InjectedLatency();
  const sockets = new Set<Socket>();
  let inFlight = 0;
  const server = createServer((req, res) => {
    const started = performance.now();
    inFlight++;
    // What the client saw is not always what we sent: say when it left before the answer.
    res.once("close", () => {
      inFlight--;
      if (!res.writableFinished) opts.log?.(`${req.method} ${req.url?.split("?")[0]} client closed the connection before the answer`);
    });
    handle(req, res, { ...opts, faults, latency })
      .catch((error: unknown) => send(res, 500, { message: String(error) }))
      .finally(() => opts.log?.(`${req.method} ${req.url?.split("?")[0]} ${res.statusCode} ${Math.round(performance.now() - started)}ms, ${inFlight} in flight`));
  });
  keepIdleConnections(server);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}/sql`,
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Served {
  backend: Backend;
  credentials: NeonCredentials;
  adminToken: string;
  faults: DbFaults;
  latency: InjectedLatency;
}

async function handle(req: IncomingMessage, res: ServerResponse, { backend, credentials, adminToken, faults, latency }: Served) {
  const path = req.url?.split("?")[0];
  if (path?.startsWith("/__admin/") && !hasAdminToken(req, adminToken)) {
    return send(res, 401, { message: `admin routes need the run's token in ${adminTokenHeader}` });
  }
  if (path === "/__admin/faults") return handleFaultAdmin(req, res, faults);
  if (path === "/__admin/latency") return send(res, ...(await latency.handle(req, () => readBody(req))));
  if (path !== "/sql") return send(res, 404, { message: "not found" });
  if (req.method !== "POST") return send(res, 405, { message: "use POST" });

  const connectionString = header(req, "neon-connection-string");
  if (!connectionString) return send(res, 400, { message: "missing Neon-Connection-String header", code: "08001" });
  // As Neon does: a connection string's password is checked before anything runs.
  const user = credentialsOf(connectionString);
  if (!user || !sameCredentials(user, credentials)) {
    return send(res, 400, { message: `password authentication failed for user "${user?.user ?? ""}"`, code: "28P01", severity: "FATAL" });
  }
  const arrayMode = header(req, "neon-array-mode") === "true";

  let body: { query?: unknown; params?: unknown; queries?: unknown };
  try {
    body = JSON.parse((await readBody(req)).toString("utf8"));
  } catch {
    return send(res, 400, { message: "request body is not JSON", code: "08P01" });
  }
  const statements = Array.isArray(body.queries) ? body.queries.map(toStatement) : [toStatement(body)];
  if (statements.some((s) => s === undefined)) {
    return send(res, 400, { message: "each query needs a string `query` and an array `params`", code: "08P01" });
  }
  const valid = statements as Statement[];
  await latency.wait();

  const fault = faults.take(valid, connectionString);
  if (fault?.type === "down") return req.socket.destroy();
  if (fault?.type === "status") return send(res, fault.status, { message: `injected HTTP ${fault.status}` });
  if (fault?.type === "latency") await new Promise((resolve) => setTimeout(resolve, fault.ms));
  if (fault?.type === "error") {
    return send(res, 400, { message: fault.message ?? "injected database error", code: fault.code ?? "57P01", severity: "FATAL" });
  }

  try {
    if (Array.isArray(body.queries)) {
      const options: BatchOptions = {
        isolationLevel: header(req, "neon-batch-isolation-level"),
        readOnly: header(req, "neon-batch-read-only") === "true",
        deferrable: header(req, "neon-batch-deferrable") === "true",
      };
      const results = await backend.batch(valid, options);
      return send(res, 200, { results: results.map((r) => shape(r, arrayMode)) });
    }
    return send(res, 200, shape(await backend.run(valid[0]), arrayMode));
  } catch (error) {
    return send(res, 400, postgresError(error));
  }
}

function credentialsOf(connectionString: string): NeonCredentials | undefined {
  if (!URL.canParse(connectionString)) return undefined;
  const url = new URL(connectionString);
  return { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

function sameCredentials(sent: NeonCredentials, expected: NeonCredentials): boolean {
  const given = Buffer.from(`${sent.user}\n${sent.password}`);
  const wanted = Buffer.from(`${expected.user}\n${expected.password}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function toStatement(input: unknown): Statement | undefined {
  const { query, params = [] } = (input ?? {}) as { query?: unknown; params?: unknown };
  if (typeof query !== "string" || !Array.isArray(params)) return undefined;
  if (!params.every((p) => p === null || typeof p === "string")) return undefined;
  return { query, params };
}

function shape(result: RawResult, arrayMode: boolean) {
  const rows = arrayMode
    ? result.rows
    : result.rows.map((row) => Object.fromEntries(row.map((value, i) => [result.fields[i].name, value])));
  return { ...result, rows, rowAsArray: arrayMode };
}

/** Neon answers 400 with the Postgres error fields; the driver copies them onto NeonDbError. */
function postgresError(error: unknown) {
  const source = (error ?? {}) as Record<string, unknown>;
  const body: Record<string, unknown> = { message: error instanceof Error ? error.message : String(error) };
  for (const field of errorFields) if (source[field] !== undefined) body[field] = source[field];
  return body;
}

async function handleFaultAdmin(req: IncomingMessage, res: ServerResponse, faults: DbFaults) {
  if (req.method === "DELETE") {
    faults.clear();
    return send(res, 204);
  }
  if (req.method !== "POST") return send(res, 405, { message: "use POST or DELETE" });
  try {
    faults.add(JSON.parse((await readBody(req)).toString("utf8")));
    return send(res, 204);
  } catch (error) {
    return send(res, 400, { message: String(error) });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body?: unknown) {
  if (res.headersSent) return;
  if (body === undefined) return void res.writeHead(status).end();
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
}
