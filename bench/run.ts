import { mkdir, writeFile } from "node:fs/promises";
import { buildWeb } from "../scripts/build-web";
import { measureBurst } from "./cases/burst";
import { measureCosts } from "./cases/costs";
import { measureDirectBatch } from "./cases/direct-batch";
import { measureDirectCpu } from "./cases/direct-cpu";
import { measureDirectMemory } from "./cases/direct-memory";
import { measureDirectResume } from "./cases/direct-resume";
import { measureDirectThumb } from "./cases/direct-thumb";
import { measureListing } from "./cases/listing";
import { measureLogin } from "./cases/login";
import { measureMemory } from "./cases/memory";
import { measureRenditions } from "./cases/renditions";
import { measureSizes } from "./cases/sizes";
import { measureThroughput } from "./cases/throughput";
import { measureUploadGrowth } from "./cases/upload-growth";
import { measureUploads } from "./cases/uploads";
import type { BenchContext } from "./context";
import { findDirectUrl } from "./direct";
import { connectInspector, findWorkerds, type Inspector } from "./inspector";
import { fullPlan, quickPlan } from "./plan";
import { machine, passes, renderTables, writeResults, type Figure, type Results } from "./report";
import { connectSql } from "./sql";
import { startBenchStack, type BenchStack } from "./stack";

/**
 * `npm run bench [-- --quick] [-- --profile] [-- --only D1,R]`: every figure is a ratio of two
 * workloads measured side by side in this run, on the local stack, plus the burst (B1) and the
 * counts behind the cost table (C1). --quick is CI's smoke run (it checks that the bench works and
 * asserts no timing, with a smaller burst and fewer photos); --profile writes a CPU profile of
 * the worker per case to bench/results/, for Chrome DevTools; --only runs the cases named (a case's
 * name, or a figure id or its start: `D` is every direct-upload case) and writes
 * bench/results/only.json instead of latest.json. The run fails (exit 1) when the burst sees a
 * 5xx, a lost upload or an image not done within 3 minutes.
 */
const argv = process.argv.slice(2);
const args = new Set(argv);
const plan = args.has("--quick") ? quickPlan : fullPlan;
const onlyArg = argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length) ?? (args.has("--only") ? argv[argv.indexOf("--only") + 1] : undefined);
const only = onlyArg?.split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
/** Whether --only chose this case, by its name or one of its figures' ids (or their start). */
const chosen = (name: string, ids: string[]) =>
  !only || only.some((wanted) => wanted === name || ids.some((id) => id.toLowerCase().startsWith(wanted)));
const startedAt = performance.now();
const log = (line: string) => console.log(`[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${line}`);

let bench: BenchStack | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void bench?.close().finally(() => process.exit(130)));
}

async function main() {
  if (only && only.length === 0) throw new Error("--only wants case names or figure ids, e.g. --only D1,D3");
  log(`${plan.quick ? "quick" : "full"} run${only ? ` of ${only.join(", ")}` : ""}: building the SPA${chosen("sizes", ["F4", "F5"]) ? " and the worker bundle" : ""}`);
  // wrangler dev serves web/dist: the SPA is built even when its size is not measured.
  const sizes = chosen("sizes", ["F4", "F5"]) ? await measureSizes() : await buildWeb({ quiet: true }).then(() => []);
  log("starting the local stack and wrangler dev");
  bench = await startBenchStack();
  let inspector: Inspector | undefined;
  try {
    const workerds = findWorkerds(bench.worker.child.pid as number);
    inspector = await connectInspector(workerds.map((w) => w.pid));
    const workerdPid = (workerds.find((w) => w.runsWorker) as { pid: number }).pid;
    const ctx: BenchContext = {
      plan,
      workerUrl: bench.worker.url,
      directUrl: await findDirectUrl(workerdPid, bench.worker.url),
      neonUrl: bench.stack.neon.url,
      s3Endpoint: bench.stack.s3.endpoint,
      geminiUrl: bench.stack.gemini.url,
      adminToken: bench.stack.adminToken,
      sql: connectSql(bench.stack.neon.url, bench.stack.workerVars.DATABASE_URL),
      workerdPid,
      inspector,
      queueDeliveries: bench.queueDeliveries,
      log,
    };
    const profiled = profiler(inspector, args.has("--profile"));
    const run = <T>(name: string, ids: string[], work: () => Promise<T>) => (chosen(name, ids) ? profiled(name, work) : Promise.resolve(undefined));
    const uploads = await run("uploads", ["F1", "F2"], () => measureUploads(ctx));
    // F6 lists the 1,000 rows F3 seeds for its user.
    const listing = await run("listing", ["F3", "F6"], () => measureListing(ctx));
    const throughput = listing && (await run("throughput", ["F6"], () => measureThroughput(ctx, listing.user)));
    const login = await run("login", ["F7"], () => measureLogin(ctx));
    const uploadGrowth = await run("upload-growth", ["growth"], () => measureUploadGrowth(ctx));
    const memory = chosen("memory", ["M"]) ? await measureMemory(ctx, uploads?.duringF1b) : undefined;
    const renditions = await run("renditions", ["R"], () => measureRenditions(ctx));
    // Not profiled: D1 reads the worker thread's CPU time, which the profiler's sampling would add to.
    const directCpu = chosen("direct-cpu", ["D1a", "D1b"]) ? await measureDirectCpu(ctx) : undefined;
    const directMemory = await run("direct-memory", ["D2"], () => measureDirectMemory(ctx));
    const directThumb = await run("direct-thumb", ["D3"], () => measureDirectThumb(ctx));
    const directResume = await run("direct-resume", ["D5"], () => measureDirectResume(ctx));
    const directBatch = await run("direct-batch", ["D4"], () => measureDirectBatch(ctx));
    // Last, each on a settled pipeline: the costs read the stand-ins' logs, the burst leaves the most work behind.
    const costs = await run("costs", ["C1"], () => measureCosts(ctx));
    const burst = await run("burst", ["B1"], () => measureBurst(ctx));

    const figures: Figure[] = [
      ...(uploads?.figures ?? []),
      ...(listing?.figures ?? []),
      ...sizes,
      ...(throughput ? [throughput] : []),
      ...(login ? [login] : []),
      ...(memory?.figures ?? []),
      ...(renditions ?? []),
      ...(directCpu ?? []),
      ...(directMemory ? [directMemory] : []),
      ...(directThumb ? [directThumb] : []),
      ...(directBatch ? [directBatch] : []),
      ...(directResume ? [directResume] : []),
    ];
    const results: Results = {
      date: new Date().toISOString(),
      mode: plan.quick ? "quick" : "full",
      machine: machine(),
      durationSeconds: Math.round((performance.now() - startedAt) / 1000),
      ...(only ? { only } : {}),
      figures: figures.map((f) => ({ ...f, pass: passes(f) })),
      growth: [...(uploads?.growth ?? []), ...(uploadGrowth ?? []), ...(listing?.growth ?? [])],
      memory: memory?.rows ?? [],
      burst: burst?.result,
      costs: costs?.result,
    };
    const m = results.machine;
    console.log(`\n${results.date.slice(0, 10)}, ${m.nproc} × ${m.cpu}, Node ${m.node}, ${results.mode} run in ${results.durationSeconds} s\n`);
    console.log(renderTables(results));
    console.log(`\nwrote ${await writeResults(results, only ? "bench/results/only.json" : undefined)}`);
    // Counted failures (a 5xx, a lost upload, work not done in time) fail the run once the results are written.
    const failures = [...(costs?.failures ?? []), ...(burst?.failures ?? [])];
    if (failures.length) throw new Error(failures.join("\n"));
  } finally {
    inspector?.close();
    await bench.close();
  }
}

/** Wraps a case in a CPU profile of the worker's isolate when asked to. */
function profiler(inspector: Inspector, enabled: boolean) {
  return async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    if (!enabled) return work();
    await inspector.send("Profiler.enable");
    await inspector.send("Profiler.start");
    const result = await work();
    const { profile } = await inspector.send<{ profile: unknown }>("Profiler.stop");
    // A fresh checkout has no bench/results/ until the first results are written, after the cases.
    await mkdir("bench/results", { recursive: true });
    await writeFile(`bench/results/${name}.cpuprofile`, JSON.stringify(profile));
    log(`wrote bench/results/${name}.cpuprofile`);
    return result;
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error("bench failed:", error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
