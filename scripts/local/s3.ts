import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { keepIdleConnections } from "./keep-alive";
import { InjectedLatency } from "./latency";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import S3rver from "s3rver";
import { checkBodyDigests } from "./s3/check-body-digests";
import { answerPreflight, setCorsHeaders } from "./s3/cors";
import { S3Faults, type FaultTarget, type S3Fault } from "./s3/faults";
import { S3rverForwarder } from "./s3/forward-to-s3rver";
import { makeStoreSturdy } from "./s3/sturdy-store";
import { handleAdmin, type AdminDeps } from "./s3/handle-admin";
import { handleMultipart, multipartOperation, type Resource } from "./s3/handle-multipart";
import { readBody } from "./s3/read-body";
import { S3RequestLog } from "./s3/request-log";
import { S3Error, sendS3Error } from "./s3/s3-error";
import { S3rverUploads } from "./s3/s3rver-uploads";
import { SigV4Verifier } from "./s3/verify-sigv4";

/**
 * A local S3 that is private like the real one: s3rver stores the objects (it checks no
 * signature), and a gate in front of it, the only public entry, verifies SigV4 and the
 * body digests, injects faults for tests, then forwards to s3rver. Path-style URLs:
 * `${endpoint}/${bucket}/${key}`. The gate also speaks the multipart API as R2 does, where
 * s3rver does not (s3/handle-multipart.ts), and answers CORS as the bucket's rule would (s3/cors.ts).
 */
export interface S3Server {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

interface GateDeps extends AdminDeps {
  verifier: SigV4Verifier;
  forwarder: S3rverForwarder;
  uploads: S3rverUploads;
}

export async function startS3Server(opts: {
  dir: string;
  port?: number;
  host?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Required in x-admin-token by /__admin/* (see admin-token.ts). */
  adminToken: string;
  log?: (line: string) => void;
}): Promise<S3Server> {
  const s3rver = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: opts.dir, configureBuckets: [{ name: opts.bucket }] });
  makeStoreSturdy(s3rver.store);
  const { port: s3rverPort } = await s3rver.run();
  // The gate reuses its sockets to s3rver: with Node's 5 s default, s3rver closed idle ones just as the
  // gate sent on them ("socket hang up", a spurious 500), three times in a 100-upload burst.
  if (s3rver.httpServer) keepIdleConnections(s3rver.httpServer);
  const forwarder = new S3rverForwarder({ port: s3rverPort, region: opts.region });
  const stopS3rver = async () => {
    forwarder.close();
    s3rver.httpServer?.closeAllConnections();
    await s3rver.close();
  };

  const deps: GateDeps = {
    adminToken: opts.adminToken,
    faults: new S3Faults(),
    latency: new InjectedLatency(),
    requests: new S3RequestLog(),
    verifier: new SigV4Verifier(opts),
    forwarder,
    uploads: new S3rverUploads(s3rver.store),
    listObjects: async (prefix) =>
      (await s3rver.store.listObjects(opts.bucket, { prefix })).objects.map(({ key, size }) => ({ key, size })),
  };
  const gate = createServer((req, res) => {
    const started = performance.now();
    let failure = "";
    res.on("close", () => {
      const status = res.headersSent ? res.statusCode : "dropped";
      if (!req.url?.startsWith("/__admin/")) {
        const { key, operation } = loggedTarget(req.method ?? "GET", req.url ?? "/");
        deps.requests.record(req.method ?? "GET", key, status, operation);
      }
      // The path only: the query string of a presigned URL carries its signature.
      opts.log?.(`${req.method} ${req.url?.split("?")[0]} ${status} ${Math.round(performance.now() - started)}ms${failure}`);
    });
    handleRequest(req, res, deps).catch((error: unknown) => {
      if (error instanceof S3Error) return sendS3Error(res, error);
      failure = ` (${error instanceof Error ? error.message : String(error)})`;
      if (!res.headersSent) return sendS3Error(res, new S3Error(500, "InternalError", "We encountered an internal error. Please try again."));
      res.destroy();
    });
  });
  keepIdleConnections(gate);

  const host = opts.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      gate.once("error", reject);
      gate.listen(opts.port ?? 0, host, resolve);
    });
  } catch (error) {
    await stopS3rver();
    throw error;
  }
  const { port } = gate.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => gate.close(() => resolve()));
      gate.closeAllConnections();
      await closed;
      await stopS3rver();
    },
  };
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, deps: GateDeps): Promise<void> {
  const method = req.method ?? "GET";
  const [rawPath = "/", rawQuery = ""] = (req.url ?? "/").split(/\?(.*)/s);
  const query = new URLSearchParams(rawQuery);
  if (rawPath.startsWith("/__admin/")) return handleAdmin(req, res, rawPath, query, deps);

  const fault = deps.faults.take(method, faultTarget(rawPath, query));
  if (fault?.type === "down") return void req.socket.destroy();
  if (fault?.type === "status") throw faultError(fault);
  // Unref'd so a pending delay never holds the process open after close().
  if (fault?.type === "latency") await sleep(fault.ms, undefined, { ref: false });

  const body = await readBody(req);
  await deps.latency.wait();
  // S3 answers CORS preflights (which carry no credentials) from the bucket's CORS rule.
  if (method === "OPTIONS") return answerPreflight(req, res);
  setCorsHeaders(req, res);
  await deps.verifier.verify({ method, rawPath, query, headers: req.headers });
  checkBodyDigests(req.headers, body);
  const resource = readResource(rawPath);
  const operation = multipartOperation(method, resource, query);
  if (operation && (await handleMultipart(res, operation, resource, query, body, deps.uploads))) return;
  await deps.forwarder.forward(req, res, rawPath, rawQuery, body);
}

/** The object key the request log records (and tests filter on), and a multipart request's operation. */
function loggedTarget(method: string, url: string) {
  const [rawPath = "/", rawQuery = ""] = url.split(/\?(.*)/s);
  const query = new URLSearchParams(rawQuery);
  return { key: faultTarget(rawPath, query).key, operation: multipartOperation(method, readResource(rawPath), query) };
}

/** The bucket and object key a fault rule is matched against; for a bucket-level request, the listing prefix. */
function faultTarget(rawPath: string, query: URLSearchParams): FaultTarget {
  const { bucket, key } = readResource(rawPath);
  return { bucket, key: key ?? query.get("prefix") ?? "" };
}

/** The bucket and decoded object key a path names; a key that does not decode stays as sent. */
function readResource(rawPath: string): Resource {
  const [, bucket = "", ...keyParts] = rawPath.split("/");
  const rawKey = keyParts.join("/");
  if (!rawKey) return { bucket };
  try {
    return { bucket, key: decodeURIComponent(rawKey) };
  } catch {
    return { bucket, key: rawKey };
  }
}

function faultError(fault: Extract<S3Fault, { type: "status" }>): S3Error {
  return fault.status === 503
    ? new S3Error(503, "SlowDown", "Please reduce your request rate.")
    : new S3Error(500, "InternalError", "We encountered an internal error. Please try again.");
}
