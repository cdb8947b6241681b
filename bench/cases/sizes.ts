import { buildWeb } from "../../scripts/build-web";
import { measureWorkerBundle } from "../../scripts/deploy-check";
import type { Figure } from "../report";

const kib = 1024;

/** F4 and F5: what ships, gzipped. Builds web/dist, which wrangler dev then serves. */
export async function measureSizes(): Promise<Figure[]> {
  const { jsGzipBytes, allJsGzipBytes } = await buildWeb({ quiet: true });
  const upload = await measureWorkerBundle();
  const parts = upload.files.map((f) => `${f.name.replace(/^[0-9a-f]{40}-/, "")} ${(f.gzipBytes / kib).toFixed(1)}`).join(" + ");
  return [
    {
      id: "F4",
      name: "worker upload (bundle + wasm), gzip",
      value: upload.gzipBytes / kib,
      unit: "KiB",
      target: { op: "<=", value: 110 },
      detail: `${parts} KiB gzip; ${(upload.bytes / kib).toFixed(1)} KiB minified (wrangler deploy --dry-run --outdir, minify = true)`,
    },
    {
      id: "F5",
      name: "SPA JavaScript on first load, gzip",
      value: jsGzipBytes / kib,
      unit: "KiB",
      target: { op: "<=", value: 30 },
      detail: `vite build of web/; ${(allJsGzipBytes / kib).toFixed(1)} KiB with the pages loaded later`,
    },
  ];
}
