import { execFileSync } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { gzipSync } from "node:zlib";

const outDir = ".data/deploy-check";

/** The worker bundle exactly as `wrangler deploy` would upload it, minified, and its gzip size. */
export async function measureWorkerBundle(): Promise<{ bytes: number; gzipBytes: number }> {
  await rm(outDir, { recursive: true, force: true });
  execFileSync("wrangler", ["deploy", "--dry-run", "--minify", "--outdir", outDir], { stdio: "pipe" });
  const bundle = await readFile(`${outDir}/index.js`);
  return { bytes: bundle.length, gzipBytes: gzipSync(bundle, { level: 9 }).length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { bytes, gzipBytes } = await measureWorkerBundle();
  console.log(`worker bundle: ${(bytes / 1024).toFixed(1)} KiB minified, ${(gzipBytes / 1024).toFixed(1)} KiB gzip (target 110 KiB)`);
}
