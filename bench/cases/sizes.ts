import { buildWeb } from "../../scripts/build-web";
import { measureWorkerBundle } from "../../scripts/deploy-check";
import type { Figure } from "../report";

const kib = 1024;

/** F4 and F5: what ships, gzipped. Builds web/dist, which wrangler dev then serves. */
export async function measureSizes(): Promise<Figure[]> {
  const { jsGzipBytes, allJsGzipBytes } = await buildWeb({ quiet: true });
  const bundle = await measureWorkerBundle();
  return [
    {
      id: "F4",
      name: "worker bundle, gzip",
      value: bundle.gzipBytes / kib,
      unit: "KiB",
      target: { op: "<=", value: 110 },
      detail: `${(bundle.bytes / kib).toFixed(1)} KiB minified (wrangler deploy --dry-run)`,
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
