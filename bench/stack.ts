import { randomUUID } from "node:crypto";
import { freePort } from "../scripts/local/free-port";
import { cp, mkdir, rm, symlink } from "node:fs/promises";
import { resolve } from "node:path";
import { startStack, type Stack } from "../scripts/local/stack";
import { startWranglerDev, type WranglerDev } from "../scripts/local/wrangler-dev";

export interface BenchStack {
  stack: Stack;
  worker: WranglerDev;
  /** Queue batches wrangler dev delivered to the worker, read off its log. */
  queueDeliveries: QueueDelivery[];
  close(): Promise<void>;
}

/** One batch delivered to the queue consumer: when it ended, on which queue, how many messages. */
export interface QueueDelivery {
  at: number;
  queue: string;
  messages: number;
}

/** wrangler dev logs each batch it delivers: `QUEUE eis-jobs 9/10 (861ms)` (acknowledged/delivered). */
const queueBatchLine = /\bQUEUE (\S+) \d+\/(\d+) \(/;

/**
 * The local stand-ins and `wrangler dev` on free ports, with state in a fresh folder under
 * .data/bench, so a bench never meets a running `npm run dev` or leaves data behind.
 * wrangler runs on a copy of the worker taken now: an edit made while the bench runs
 * would otherwise restart the worker mid-measurement. BENCH_WRANGLER_LOG=1 prints wrangler's log as it comes.
 */
export async function startBenchStack(): Promise<BenchStack> {
  const dir = resolve(`.data/bench/${randomUUID()}`);
  const recentLog: string[] = [];
  const queueDeliveries: QueueDelivery[] = [];
  const stack = await startStack({ database: { kind: "pglite" }, s3Dir: `${dir}/s3` });
  const removeDir = () => rm(dir, { recursive: true, force: true });
  let worker: WranglerDev;
  try {
    await snapshotWorker(`${dir}/project`);
    const port = await freePort();
    worker = await inDirectory(`${dir}/project`, () =>
      startWranglerDev({
        port,
        vars: stack.workerVars,
        envFile: `${dir}/worker.env`,
        persistTo: `${dir}/wrangler`,
        log: (line) => {
          if (process.env.BENCH_WRANGLER_LOG) console.log(`[wrangler] ${line}`);
          const batch = queueBatchLine.exec(line);
          if (batch) queueDeliveries.push({ at: Date.now(), queue: batch[1], messages: Number(batch[2]) });
          return recentLog.push(line) > 40 && recentLog.shift();
        },
      }),
    );
  } catch (error) {
    await stack.close();
    await removeDir();
    throw new Error(`${String(error)}\n${recentLog.join("\n")}`);
  }
  return {
    stack,
    worker,
    queueDeliveries,
    close: async () => {
      await worker.stop();
      await stack.close();
      await removeDir();
    },
  };
}

async function snapshotWorker(to: string) {
  await mkdir(to, { recursive: true });
  await cp("worker", `${to}/worker`, { recursive: true, filter: (path) => !path.startsWith("worker/test") });
  await cp("web/dist", `${to}/web/dist`, { recursive: true });
  for (const file of ["wrangler.toml", "package.json", "tsconfig.json"]) await cp(file, `${to}/${file}`);
  await symlink(resolve("node_modules"), `${to}/node_modules`);
}

/** startWranglerDev spawns wrangler in the current directory. */
async function inDirectory<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const home = process.cwd();
  process.chdir(dir);
  try {
    return await work();
  } finally {
    process.chdir(home);
  }
}

