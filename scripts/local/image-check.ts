import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExifTool } from "exiftool-vendored";
import sharp from "sharp";

export interface ImageCheckServer {
  url: string;
  close(): Promise<void>;
}

/**
 * What a stored file really carries, asked of the field's own tools, for tests that
 * run inside workerd (where neither can run):
 * - POST /tags: ExifTool's tags for the posted bytes, as `{ tags: { "Group:Name": value } }`
 *   (every group, duplicates and unknown tags included).
 * - POST /pixels: sharp's decoded RGBA (every frame) as `{ width, height, sha256 }`, or 422
 *   when sharp cannot decode the format (its prebuilt binary has no HEVC).
 * - GET /fixtures/<name>: a file from `fixturesDir`.
 */
export async function startImageCheckServer(opts: { fixturesDir: string; port?: number }): Promise<ImageCheckServer> {
  const exiftool = new ExifTool({ maxProcs: 1 });
  const workDir = await mkdtemp(join(tmpdir(), "eis-image-check-"));
  let fileCount = 0;

  const tags = async (bytes: Buffer) => {
    const path = join(workDir, `${++fileCount}.bin`);
    await writeFile(path, bytes);
    try {
      const { SourceFile: _source, ...found } = await exiftool.readRaw(path, { readArgs: ["-G1", "-a", "-u"] });
      return found;
    } finally {
      await rm(path, { force: true });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res, { tags, fixturesDir: opts.fixturesDir }).catch((error: unknown) =>
      send(res, 500, { message: error instanceof Error ? error.message : String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await exiftool.end();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

interface Handlers {
  tags(bytes: Buffer): Promise<Record<string, unknown>>;
  fixturesDir: string;
}

async function handle(req: IncomingMessage, res: ServerResponse, handlers: Handlers) {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (req.method === "POST" && path === "/tags") return send(res, 200, { tags: await handlers.tags(await readBody(req)) });
  if (req.method === "POST" && path === "/pixels") return pixels(res, await readBody(req));
  const fixture = /^\/fixtures\/([\w.-]+)$/.exec(path)?.[1];
  if (req.method === "GET" && fixture) {
    const bytes = await readFile(join(handlers.fixturesDir, fixture)).catch(() => undefined);
    if (!bytes) return send(res, 404, { message: `no fixture ${fixture}` });
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    return void res.end(bytes);
  }
  send(res, 404, { message: "routes: POST /tags, POST /pixels, GET /fixtures/<name>" });
}

async function pixels(res: ServerResponse, bytes: Buffer) {
  try {
    const { data, info } = await sharp(bytes, { animated: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    send(res, 200, { width: info.width, height: info.height, sha256: createHash("sha256").update(data).digest("hex") });
  } catch (error) {
    send(res, 422, { message: error instanceof Error ? error.message : String(error) });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
