import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * CPU time of a workerd process by thread, from /proc/<pid>/task/<tid>/schedstat (nanoseconds
 * on a CPU, exact, where /proc/<pid>/stat counts 10 ms ticks). The isolates run on workerd's
 * main thread (its tid is the pid); V8's helper threads do concurrent GC and compilation.
 */
function threadNs(pid: number): Map<number, number> {
  const times = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      times.set(Number(tid), Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]));
    } catch {
      // the thread ended while we looked
    }
  }
  return times;
}

export interface CpuSpent {
  /** The thread that runs the isolate: the worker's JavaScript, and workerd's own handling of its requests and subrequests. */
  mainMs: number;
  /** Every other thread of the process. */
  helpersMs: number;
}

/** What `work` cost the process's threads: read before it and `settleMs` after it, for work the request left behind. */
export async function cpuDuring(pid: number, work: () => Promise<unknown>, settleMs = 20): Promise<CpuSpent> {
  const before = threadNs(pid);
  await work();
  await sleep(settleMs);
  const after = threadNs(pid);
  let mainNs = 0;
  let helpersNs = 0;
  for (const [tid, ns] of after) {
    const spent = ns - (before.get(tid) ?? 0);
    if (tid === pid) mainNs += spent;
    else helpersNs += spent;
  }
  return { mainMs: mainNs / 1e6, helpersMs: helpersNs / 1e6 };
}
