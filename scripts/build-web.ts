import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const outDir = "web/dist";

/** Builds the SPA into the Workers assets directory; returns the JS gzip total in bytes. */
export async function buildWeb(opts: { quiet?: boolean } = {}): Promise<{ jsGzipBytes: number }> {
  await build({ configFile: "web/vite.config.ts", logLevel: opts.quiet ? "warn" : "info" });
  let jsGzipBytes = 0;
  const rows: string[] = [];
  for (const file of await readdir(outDir, { recursive: true })) {
    if (!/\.(js|css|html)$/.test(file)) continue;
    const bytes = await readFile(join(outDir, file));
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    if (file.endsWith(".js")) jsGzipBytes += gzipped;
    rows.push(`${file.padEnd(40)} ${kib(bytes.length).padStart(9)} ${kib(gzipped).padStart(9)} gzip`);
  }
  if (!opts.quiet) {
    console.log(rows.sort().join("\n"));
    console.log(`SPA JavaScript: ${kib(jsGzipBytes)} gzip (budget 30 KiB)`);
  }
  return { jsGzipBytes };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildWeb();
}
