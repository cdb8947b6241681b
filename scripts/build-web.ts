import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const outDir = "web/dist";

/**
 * Builds the SPA into the Workers assets directory. `jsGzipBytes` is the JavaScript a first
 * visit loads (index.html's module script and the chunks it preloads), which the 30 KiB budget
 * is about; `allJsGzipBytes` adds the chunks loaded later, when their page is opened.
 */
export async function buildWeb(opts: { quiet?: boolean } = {}): Promise<{ jsGzipBytes: number; allJsGzipBytes: number }> {
  await build({ configFile: "web/vite.config.ts", logLevel: opts.quiet ? "warn" : "info" });
  const html = await readFile(join(outDir, "index.html"), "utf8");
  const firstLoad = new Set([...html.matchAll(/(?:src|href)="\/([^"]+\.js)"/g)].map((match) => match[1]));
  let jsGzipBytes = 0;
  let allJsGzipBytes = 0;
  const rows: string[] = [];
  for (const file of await readdir(outDir, { recursive: true })) {
    if (!/\.(js|css|html)$/.test(file)) continue;
    const bytes = await readFile(join(outDir, file));
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    if (file.endsWith(".js")) allJsGzipBytes += gzipped;
    if (firstLoad.has(file)) jsGzipBytes += gzipped;
    rows.push(`${file.padEnd(40)} ${kib(bytes.length).padStart(9)} ${kib(gzipped).padStart(9)} gzip${firstLoad.has(file) ? "  (first load)" : ""}`);
  }
  if (!opts.quiet) {
    console.log(rows.sort().join("\n"));
    console.log(`SPA JavaScript on first load: ${kib(jsGzipBytes)} gzip (budget 30 KiB); all chunks: ${kib(allJsGzipBytes)}`);
  }
  return { jsGzipBytes, allJsGzipBytes };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildWeb();
}
