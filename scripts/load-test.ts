import { randomFillSync } from "node:crypto";
import { existsSync } from "node:fs";
import { freePort } from "./local/free-port";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { buildWeb } from "./build-web";
import { startStack, type Stack } from "./local/stack";
import { startWranglerDev, type WranglerDev } from "./local/wrangler-dev";

/**
 * `npm run load`: a bounded load run against a throwaway stack and `wrangler dev` on free
 * 127.0.0.1 ports. 10 users each upload 20 images at once while listing, and 10 more each as
 * direct uploads (100 at once: create, PUT the part to the bucket, complete), then delete some;
 * then every kept image must reach renditions done and analysis done or skipped within 3
 * minutes, and every user's rows must match their objects exactly. Exits 1 on any lost
 * upload, duplicate, 5xx, image not done in time or row/object mismatch, and 2 if the 330 s
 * hard stop is hit.
 * `-- --users N --uploads N --direct N --kib N` changes the shape (e.g. 5 × 40 × 1024 KiB, the bench's
 * old 100-client case, which this 2-core machine cannot serve within the worker's S3 deadline).
 */
const options = parseOptions(process.argv.slice(2));
const users = options.users;
const uploadsPerUser = options.uploads;
const directPerUser = options.direct;
const deletesPerUser = 5;
const listsPerUser = 5;
// Two minutes for the uploads, three for their follow-up work, half a minute to spare.
const hardStopMs = 330_000;
const pipelineDeadlineMs = 180_000;
const pipelinePollMs = 500;
const requestTimeoutMs = 30_000;
const keptLog = ".data/load-services.log";

const latencies: Record<"upload" | "direct" | "list" | "delete", number[]> = { upload: [], direct: [], list: [], delete: [] };
const uploadWindow = { first: Infinity, last: 0 };
const violations: string[] = [];
let serverErrors = 0;
let dir: string | undefined;
let stack: Stack | undefined;
let worker: WranglerDev | undefined;

async function main() {
  const hardStop = setTimeout(() => void stop(`hard stop: still running after ${hardStopMs / 1000} s`, 2), hardStopMs);
  dir = await mkdtemp(join(tmpdir(), "eis-load-"));
  const lines: string[] = [];
  const log = (service: string, line: string) => void lines.push(`[${service}] ${line}`);
  if (!existsSync("web/dist/index.html")) await buildWeb({ quiet: true }); // wrangler needs the assets directory
  stack = await startStack({ database: { kind: "pglite" }, s3Dir: join(dir, "s3"), log });
  worker = await startWranglerDev({
    port: await freePort(),
    vars: stack.workerVars,
    envFile: join(dir, "worker.env"),
    persistTo: join(dir, "wrangler"),
    log: (line) => log("worker", line),
  });
  console.log(`load: stack and wrangler dev up at ${worker.url}; ${users} users × ${uploadsPerUser} concurrent uploads`);

  const workerUrl = worker.url;
  const results = await Promise.all(Array.from({ length: users }, (_, i) => runUser(workerUrl, i)));
  const seconds = (uploadWindow.last - uploadWindow.first) / 1000;
  const uploaded = results.reduce((sum, r) => sum + r.uploaded, 0);
  await waitForFollowUps(worker.url, results);
  for (const result of results) await verifyUser(worker.url, stack, result);

  console.log(`uploads: ${uploaded} stored in ${seconds.toFixed(1)} s (first sent to last answered) → ${(uploaded / seconds).toFixed(1)} uploads/s`);
  for (const [kind, samples] of Object.entries(latencies)) {
    console.log(`${kind.padEnd(6)} n=${String(samples.length).padEnd(4)} p50 ${percentile(samples, 50)} ms  p95 ${percentile(samples, 95)} ms  max ${percentile(samples, 100)} ms`);
  }
  console.log(`checks: ${violations.length} violations, ${serverErrors} 5xx`);
  clearTimeout(hardStop);
  if (violations.length) {
    // Kept after the throwaway stack is gone: what each stand-in saw next to what the worker answered.
    await mkdir(".data", { recursive: true });
    await writeFile(keptLog, lines.join("\n"));
    for (const violation of violations.slice(0, 20)) console.error(`violation: ${violation}`);
    const telling = lines.filter((line) => /unavailable|error|closed|lost|timeout| [45]\d\d /i.test(line) && !/ 40[134] /.test(line));
    console.error(`service log lines about failures (all in ${keptLog}):\n${telling.slice(0, 40).join("\n")}`);
  }
  await stop(violations.length ? "FAILED" : "ok", violations.length ? 1 : 0);
}

interface UserRun {
  label: string;
  id: string;
  token: string;
  uploaded: number;
  kept: Map<string, string>; // image id → sha256
  deleted: Set<string>;
}

async function runUser(base: string, index: number): Promise<UserRun> {
  const tag = `${index}-${crypto.randomUUID().slice(0, 8)}`;
  const account = { username: `load_${tag}`.replace(/-/g, "_"), email: `load.${tag}@example.test`, password: `load test passphrase ${tag}` };
  const registered = await send(base, "/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(account) });
  const { user } = (await registered.json()) as { user: { id: string } };
  const login = await send(base, "/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(account) });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const run: UserRun = { label: account.username, id: user.id, token, uploaded: 0, kept: new Map(), deleted: new Set() };
  const auth = { authorization: `Bearer ${token}` };

  let uploading = true;
  const lister = (async () => {
    for (let i = 0; i < listsPerUser && uploading; i++) {
      const res = await timed("list", () => send(base, "/images?limit=50", { headers: auth }));
      if (res.status !== 200) violations.push(`${run.label}: list answered ${res.status}`);
      await res.arrayBuffer();
    }
  })();
  await Promise.all(Array.from({ length: uploadsPerUser }, async (_, i) => {
    const form = new FormData();
    form.append("image", new Blob([uniquePng()]), `load-${i}.png`);
    const res = await timed("upload", () => send(base, "/images/upload", { method: "POST", headers: auth, body: form }));
    const body = (await res.json().catch(() => ({}))) as { image?: { id: string; sha256: string }; duplicate?: boolean };
    if (res.status !== 201 || !body.image) return void violations.push(`${run.label}: upload ${i} lost (${res.status} ${JSON.stringify(body)})`);
    if (run.kept.has(body.image.id)) violations.push(`${run.label}: upload ${i} returned an id already given (${body.image.id})`);
    run.kept.set(body.image.id, body.image.sha256);
    run.uploaded++;
  }));
  await Promise.all(Array.from({ length: directPerUser }, (_, i) => directUpload(base, run, i)));
  uploading = false;
  await lister;

  await Promise.all([...run.kept.keys()].slice(0, deletesPerUser).map(async (id) => {
    const res = await timed("delete", () => send(base, `/images/${id}`, { method: "DELETE", headers: auth }));
    if (res.status !== 204) return void violations.push(`${run.label}: delete ${id} answered ${res.status}`);
    run.kept.delete(id);
    run.deleted.add(id);
  }));
  return run;
}

/**
 * One direct upload (issue 22): create, sign, PUT the bytes to the bucket as one part, complete,
 * then wait until its ingest job has made the image. Any failure or 5xx on the way is a violation.
 */
async function directUpload(base: string, run: UserRun, i: number) {
  const auth = { authorization: `Bearer ${run.token}` };
  const bytes = uniquePng();
  const json = (body: unknown) => ({ method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
  const created = await timed("direct", () => send(base, "/uploads/s3/multipart", json({ filename: `direct-${i}.png`, type: "image/png", metadata: { size: bytes.length } })));
  if (created.status !== 200) return void violations.push(`${run.label}: direct upload ${i} create answered ${created.status}`);
  const { key, uploadId } = (await created.json()) as { key: string; uploadId: string };
  const query = `?key=${encodeURIComponent(key)}`;
  const signed = await send(base, `/uploads/s3/multipart/${encodeURIComponent(uploadId)}/1${query}`, { headers: auth });
  if (signed.status !== 200) return void violations.push(`${run.label}: direct upload ${i} sign answered ${signed.status}`);
  const put = await fetch(((await signed.json()) as { url: string }).url, { method: "PUT", body: bytes, signal: AbortSignal.timeout(requestTimeoutMs) });
  await put.arrayBuffer();
  if (!put.ok) return void violations.push(`${run.label}: direct upload ${i} part PUT answered ${put.status}`);
  const completed = await timed("direct", () => send(base, `/uploads/s3/multipart/${encodeURIComponent(uploadId)}/complete${query}`, json({ parts: [{ PartNumber: 1, ETag: put.headers.get("etag") }] })));
  if (completed.status !== 200) return void violations.push(`${run.label}: direct upload ${i} complete answered ${completed.status}`);
  const { location } = (await completed.json()) as { location: string };
  const deadline = performance.now() + pipelineDeadlineMs;
  while (performance.now() < deadline) {
    const res = await send(base, location, { headers: auth });
    const status = (await res.json()) as { status: string; image_id: string | null; error: string | null };
    if (status.status === "done" && status.image_id) {
      if (run.kept.has(status.image_id)) violations.push(`${run.label}: direct upload ${i} became an image already given (${status.image_id})`);
      run.kept.set(status.image_id, "");
      run.uploaded++;
      return;
    }
    if (status.status !== "processing") return void violations.push(`${run.label}: direct upload ${i} ended ${status.status} (${status.error})`);
    await new Promise((resolve) => setTimeout(resolve, pipelinePollMs));
  }
  violations.push(`${run.label}: direct upload ${i} still processing after ${pipelineDeadlineMs / 1000} s`);
}

interface Row {
  id: string;
  sha256: string;
  file_url: string;
  thumb_url: string | null;
  renditions_status: string;
  analysis_status: string;
  analysis_retry_at: string | null;
}

/** A user's rows through the API, every page. */
async function listRows(base: string, run: UserRun): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const res = await send(base, `/images?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { headers: { authorization: `Bearer ${run.token}` } });
    if (res.status !== 200) throw new Error(`${run.label}: list answered ${res.status}`);
    const page = (await res.json()) as { images: Row[]; next_cursor: string | null };
    rows.push(...page.images);
    cursor = page.next_cursor;
  } while (cursor);
  return rows;
}

const isDone = (row: Row) => row.renditions_status === "done" && row.thumb_url !== null && (row.analysis_status === "done" || row.analysis_status === "skipped");
/** Nothing more will change by itself: the web app's rule (web/src/lib/live-images.ts). */
const isSettled = (row: Row) =>
  row.renditions_status !== "pending" && (["done", "skipped"].includes(row.analysis_status) || (row.analysis_status === "failed" && !row.analysis_retry_at));

/**
 * Every kept upload's follow-up work (renditions, then analysis), as the API shows it, polled
 * until each image is settled or the deadline passes; anything settled short of done, or not
 * settled in time, is a violation. Measured from outside, so it holds whether that work runs in
 * waitUntil or in a queue consumer.
 */
async function waitForFollowUps(base: string, runs: UserRun[]) {
  const started = performance.now();
  let kept: { run: UserRun; id: string; row?: Row }[] = [];
  for (;;) {
    const listings = await Promise.all(runs.map(async (run) => ({ run, rows: new Map((await listRows(base, run)).map((row) => [row.id, row])) })));
    kept = listings.flatMap(({ run, rows }) => [...run.kept.keys()].map((id) => ({ run, id, row: rows.get(id) })));
    if (kept.every(({ row }) => row && isSettled(row)) || performance.now() - started > pipelineDeadlineMs) break;
    await new Promise((resolve) => setTimeout(resolve, pipelinePollMs));
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const done = kept.filter(({ row }) => row && isDone(row)).length;
  console.log(`follow-ups: ${done} of ${kept.length} kept images have renditions and analysis done ${seconds} s after the uploads and deletes ended (polled every ${pipelinePollMs} ms)`);
  for (const { run, id, row } of kept) {
    if (!row) violations.push(`${run.label}: image ${id} is not listed`);
    else if (!isSettled(row)) violations.push(`${run.label}: image ${id} still has renditions ${row.renditions_status}, analysis ${row.analysis_status} after ${pipelineDeadlineMs / 1000} s`);
    else if (!isDone(row)) violations.push(`${run.label}: image ${id} settled with renditions ${row.renditions_status}, analysis ${row.analysis_status}`);
  }
}

/** Rows (through the API, every page) against objects (through the S3 stand-in's admin listing). */
async function verifyUser(base: string, stand: Pick<Stack, "s3" | "adminToken">, run: UserRun) {
  const rows = (await listRows(base, run)).map((image) => ({
    id: image.id,
    sha256: image.sha256,
    key: decodeURIComponent(new URL(image.file_url).pathname).split("/").slice(2).join("/"),
  }));
  const listing = await fetch(`${stand.s3.endpoint}/__admin/objects?prefix=${encodeURIComponent(`users/${run.id}/`)}`, { headers: { "x-admin-token": stand.adminToken } });
  const objects = ((await listing.json()) as { objects: { key: string }[] }).objects;

  const ids = rows.map((r) => r.id);
  if (new Set(ids).size !== ids.length) violations.push(`${run.label}: the listing repeats an image`);
  if (new Set(rows.map((r) => r.sha256)).size !== rows.length) violations.push(`${run.label}: two rows hold the same bytes`);
  for (const [id] of run.kept) if (!ids.includes(id)) violations.push(`${run.label}: uploaded image ${id} is missing from the listing`);
  for (const id of ids) if (!run.kept.has(id)) violations.push(`${run.label}: listing holds ${id}, which was ${run.deleted.has(id) ? "deleted" : "never uploaded"}`);
  const objectKeys = new Set(objects.map((o) => o.key));
  for (const row of rows) if (!objectKeys.has(row.key)) violations.push(`${run.label}: row ${row.id} has no object (${row.key})`);
  const incoming = await fetch(`${stand.s3.endpoint}/__admin/objects?prefix=${encodeURIComponent(`incoming/${run.id}/`)}`, { headers: { "x-admin-token": stand.adminToken } });
  for (const { key } of ((await incoming.json()) as { objects: { key: string }[] }).objects) violations.push(`${run.label}: incoming object ${key} left behind`);
  const rowKeys = new Set(rows.map((r) => r.key));
  for (const key of objectKeys) if (!rowKeys.has(key)) violations.push(`${run.label}: object ${key} has no row`);
}

async function timed(kind: keyof typeof latencies, request: () => Promise<Response>) {
  const started = performance.now();
  const res = await request();
  const ended = performance.now();
  latencies[kind].push(ended - started);
  if (kind === "upload") Object.assign(uploadWindow, { first: Math.min(uploadWindow.first, started), last: Math.max(uploadWindow.last, ended) });
  return res;
}

/** Every request is bounded, and a 5xx is a violation whatever the route. */
async function send(base: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) });
  if (res.status >= 500) {
    serverErrors++;
    violations.push(`${init.method ?? "GET"} ${path} answered ${res.status}: ${await res.clone().text()}`);
  }
  return res;
}

/** A PNG with random pixels (16 × 16, or about `--kib` KiB), so no two uploads are deduplicated. */
function uniquePng(): Uint8Array {
  const side = options.kib ? Math.max(16, Math.round(Math.sqrt((options.kib * 1024) / 4))) : 16;
  const png = new PNG({ width: side, height: side });
  png.data = randomFillSync(png.data);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  return new Uint8Array(PNG.sync.write(png, { deflateLevel: 0 }));
}

function parseOptions(args: string[]) {
  const parsed = { users: 10, uploads: 20, direct: 10, kib: 0 };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i].replace(/^--/, "") as keyof typeof parsed;
    const value = Number(args[i + 1]);
    if (!(name in parsed) || !Number.isInteger(value) || value < 1 || value > 10_000) {
      console.error(`usage: npm run load [-- --users N] [--uploads N per user] [--direct N direct uploads per user] [--kib N image size]; ${args[i]} ${args[i + 1] ?? ""} is not one`);
      process.exit(64);
    }
    parsed[name] = value;
  }
  return parsed;
}

function percentile(samples: number[], p: number) {
  if (!samples.length) return "-";
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]).toString();
}

let stopping = false;
async function stop(reason: string, code: number) {
  if (stopping) return;
  stopping = true;
  console.log(`load: ${reason}`);
  await worker?.stop().catch(() => undefined);
  await stack?.close().catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  process.exit(code);
}

process.on("SIGINT", () => void stop("interrupted", 130));
main().catch((error: unknown) => void stop(`error: ${error instanceof Error ? error.message : String(error)}`, 1));
