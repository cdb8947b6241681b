import { execFileSync } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import { gzipSync } from "node:zlib";

const outDir = ".data/deploy-check";

export interface UploadedFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * Everything `wrangler deploy` would upload, built exactly as it builds it (wrangler.toml's
 * `minify = true`, no extra flags): the bundle and its other modules (the argon2 .wasm).
 * The dry run's README.md and source map are not uploaded (no `upload_source_maps`).
 */
export async function measureWorkerBundle(): Promise<{ files: UploadedFile[]; bytes: number; gzipBytes: number }> {
  await rm(outDir, { recursive: true, force: true });
  execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outDir], { stdio: "pipe" });
  const names = (await readdir(outDir)).filter((name) => name !== "README.md" && !name.endsWith(".map"));
  const files = await Promise.all(
    names.map(async (name) => {
      const content = await readFile(`${outDir}/${name}`);
      return { name, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
    }),
  );
  const sum = (key: "bytes" | "gzipBytes") => files.reduce((total, file) => total + file[key], 0);
  return { files, bytes: sum("bytes"), gzipBytes: sum("gzipBytes") };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files, bytes, gzipBytes } = await measureWorkerBundle();
  for (const file of files) console.log(`${file.name.padEnd(56)} ${kib(file.bytes).padStart(10)} ${kib(file.gzipBytes).padStart(10)} gzip`);
  console.log(`worker upload: ${kib(bytes)}, ${kib(gzipBytes)} gzip (target 110 KiB)`);
}
