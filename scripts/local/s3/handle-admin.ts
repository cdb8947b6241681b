import type { IncomingMessage, ServerResponse } from "node:http";
import { adminTokenHeader, hasAdminToken } from "../admin-token";
import type { InjectedLatency } from "../latency";
import type { S3Faults } from "./faults";
import { readBody } from "./read-body";
import type { S3RequestLog } from "./request-log";

export interface AdminDeps {
  adminToken: string;
  faults: S3Faults;
  latency: InjectedLatency;
  requests: S3RequestLog;
  listObjects(prefix: string): Promise<{ key: string; size: number }[]>;
}

/**
 * The test-only admin API (loopback only, and only with the run's token in x-admin-token):
 * POST/DELETE /__admin/faults, GET /__admin/objects?prefix= read from s3rver's storage
 * so a test can assert "nothing was written" without signing a request, and
 * GET /__admin/requests?prefix= for the requests the gate answered on those keys, and
 * GET/POST /__admin/latency, the bench's round trip (latency.ts).
 */
export async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, deps: AdminDeps) {
  // Also a browser's preflight, which carries no token: it fails, so no page can send one.
  if (!hasAdminToken(req, deps.adminToken)) return send(res, 401, { message: `admin routes need the run's token in ${adminTokenHeader}` });
  if (path === "/__admin/faults" && req.method === "DELETE") {
    deps.faults.clear();
    return send(res, 204);
  }
  if (path === "/__admin/faults" && req.method === "POST") {
    try {
      deps.faults.add(JSON.parse((await readBody(req)).toString("utf8")));
    } catch (error) {
      return send(res, 400, { message: error instanceof Error ? error.message : String(error) });
    }
    return send(res, 204);
  }
  if (path === "/__admin/latency") return send(res, ...(await deps.latency.handle(req, () => readBody(req))));
  if (path === "/__admin/objects" && req.method === "GET") {
    return send(res, 200, { objects: await deps.listObjects(query.get("prefix") ?? "") });
  }
  if (path === "/__admin/requests" && req.method === "GET") {
    return send(res, 200, { requests: deps.requests.matching(query.get("prefix") ?? "") });
  }
  return send(res, 404, { message: "admin routes: POST|DELETE /__admin/faults, GET|POST /__admin/latency, GET /__admin/objects?prefix=, GET /__admin/requests?prefix=" });
}

function send(res: ServerResponse, status: number, body?: unknown) {
  if (body === undefined) return void res.writeHead(status).end();
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
}
