import { readFileSync, writeFileSync } from "node:fs";
import type { Inspector } from "./inspector";

export interface MemoryPeak {
  /** V8 heap of the worker's isolate (what the 128 MB Workers limit counts), and with ArrayBuffer stores. */
  heapMb: number;
  heapWithBuffersMb: number;
  /** The whole workerd process, which also holds the runtime and wrangler's own workers. */
  rssBaselineMb: number;
  rssPeakMb: number;
}

const mb = (bytes: number) => bytes / 1e6;

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : 0;
}

/**
 * Samples the worker's memory until stopped: the isolate's heap through the inspector and the
 * workerd process's resident set from /proc (its high-water mark, reset first, catches
 * peaks between samples). The heap counts garbage not yet collected: an upper bound.
 */
export function watchMemory(workerdPid: number, inspector: Inspector) {
  let peakHeap = 0;
  let peakWithBuffers = 0;
  let peakRssKb = 0;
  let stopped = false;
  let hwmReset = true;
  try {
    writeFileSync(`/proc/${workerdPid}/clear_refs`, "5");
  } catch {
    hwmReset = false;
  }
  const rssBaselineKb = statusKb(workerdPid, "VmRSS");
  const sampling = (async () => {
    while (!stopped) {
      peakRssKb = Math.max(peakRssKb, statusKb(workerdPid, "VmRSS"));
      const heap = await inspector.send<{ usedSize: number; backingStorageSize?: number }>("Runtime.getHeapUsage");
      peakHeap = Math.max(peakHeap, heap.usedSize);
      peakWithBuffers = Math.max(peakWithBuffers, heap.usedSize + (heap.backingStorageSize ?? 0));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return {
    async stop(): Promise<MemoryPeak> {
      stopped = true;
      await sampling;
      if (hwmReset) peakRssKb = Math.max(peakRssKb, statusKb(workerdPid, "VmHWM"));
      return { heapMb: mb(peakHeap), heapWithBuffersMb: mb(peakWithBuffers), rssBaselineMb: rssBaselineKb / 1000, rssPeakMb: peakRssKb / 1000 };
    },
  };
}

/**
 * The isolate's live memory now: a heap snapshot forces a full GC first (workerd does not
 * answer HeapProfiler.collectGarbage). It pauses the worker for a second or two.
 */
export async function liveMemory(inspector: Inspector): Promise<{ heapMb: number; heapWithBuffersMb: number }> {
  await inspector.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  const heap = await inspector.send<{ usedSize: number; backingStorageSize?: number }>("Runtime.getHeapUsage");
  return { heapMb: mb(heap.usedSize), heapWithBuffersMb: mb(heap.usedSize + (heap.backingStorageSize ?? 0)) };
}
