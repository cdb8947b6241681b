import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pageDir = join(import.meta.dirname, "..", "original-frontend");
// The page imports axios's browser ESM build, as the original frontend bundled axios for the browser.
const axiosDir = dirname(fileURLToPath(import.meta.resolve("axios/package.json")));

const files: Record<string, { path: string; type: string }> = {
  "/": { path: join(pageDir, "index.html"), type: "text/html; charset=utf-8" },
  "/app.js": { path: join(pageDir, "app.js"), type: "text/javascript; charset=utf-8" },
  "/axios.js": { path: join(axiosDir, "dist", "esm", "axios.min.js"), type: "text/javascript; charset=utf-8" },
};

export interface OriginalFrontend {
  /** http://127.0.0.1:<port>: another origin than the API's, as the original frontend was deployed. */
  url: string;
  close(): Promise<void>;
}

/** Serves the stand-in for the original React frontend (e2e/original-frontend) on its own origin. */
export async function startOriginalFrontend(): Promise<OriginalFrontend> {
  const server = createServer(async (req, res) => {
    const file = files[new URL(req.url ?? "/", "http://x").pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(await readFile(file.path));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
