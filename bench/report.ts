import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import type { BurstResult } from "./cases/burst";
import type { CostCounts } from "./cases/costs";
import type { Summary } from "./measure";

export interface Figure {
  id: string;
  name: string;
  value: number;
  unit: "×" | "KiB" | "MB" | "MiB" | "%" | "ms" | "s";
  /** Absent where the issue that asked for the figure set no goal. */
  target?: { op: "<=" | "<" | ">="; value: number };
  /** The measurements behind the value, for the reader. */
  detail: string;
  /** Set when one side cannot be measured yet (what it waits for): the value is NaN, the figure neither passes nor misses. */
  pending?: string;
  /** Set when the work measured did not succeed (what went wrong): the value stands, and the figure misses whatever it is. */
  failed?: string;
}

/** One line of a growth table: the worker and its baseline at one load or one table size. */
export interface GrowthRow {
  case: string;
  load: string;
  worker: Summary;
  baseline: Summary;
  /** Requests per second the worker completed; absent where only latency matters. */
  workerRps?: number;
  errors: number;
  heapPeakMb?: number;
}

/** The worker's live memory at one moment of a load. */
export interface MemoryRow {
  moment: string;
  heapMb: number;
  heapWithBuffersMb: number;
}

export interface Results {
  date: string;
  mode: "full" | "quick";
  machine: { nproc: number; cpu: string; node: string };
  durationSeconds: number;
  /** Cases chosen with --only; absent in a whole run. */
  only?: string[];
  /** null: no target, or pending. */
  figures: (Figure & { pass: boolean | null })[];
  growth: GrowthRow[];
  memory: MemoryRow[];
  /** Absent when --only left the case out. */
  burst?: BurstResult;
  /** Counts per photo for the cost table; prices are applied elsewhere. */
  costs?: CostCounts;
}

export function passes(f: Figure): boolean | null {
  if (f.pending) return null;
  if (f.failed) return false;
  if (!f.target) return null;
  const { op, value } = f.target;
  return op === "<=" ? f.value <= value : op === "<" ? f.value < value : f.value >= value;
}

export const formatMs = (s: Summary) => `p50 ${s.p50.toFixed(0)} / p95 ${s.p95.toFixed(0)} ms`;

export function machine() {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
  return { nproc: cpus().length, cpu: model ?? cpus()[0]?.model ?? "unknown", node: process.version };
}

const value = (f: Figure) => (f.pending ? "–" : f.unit === "×" ? `${f.value.toFixed(2)}×` : `${f.value.toFixed(1)} ${f.unit}`);
const ops = { "<=": "≤", "<": "<", ">=": "≥" } as const;
const target = (f: Figure) => (f.target ? `${ops[f.target.op]} ${f.target.value}${f.unit === "×" ? "×" : ` ${f.unit}`}` : "none set");
const verdict = (f: Figure & { pass: boolean | null }) => (f.pending ? "pending" : f.pass === null ? "–" : f.pass ? "pass" : "**miss**");

/** Markdown tables, printed and pasted into docs/performance.md as they are. */
export function renderTables(results: Results): string {
  const lines = [
    "| # | figure | value | target | | measured |",
    "| --- | --- | --- | --- | --- | --- |",
    ...results.figures.map((f) => `| ${f.id} | ${f.name} | ${value(f)} | ${target(f)} | ${verdict(f)} | ${f.pending ? `**pending: ${f.pending}.** ` : ""}${f.failed ? `**failed: ${f.failed}.** ` : ""}${f.detail} |`),
  ];
  const tables = [lines];
  if (results.memory.length) {
    tables.push([
      "| live memory (after a full GC) | JS heap | + ArrayBuffers |",
      "| --- | --- | --- |",
      ...results.memory.map((m) => `| ${m.moment} | ${m.heapMb.toFixed(1)} MB | ${m.heapWithBuffersMb.toFixed(1)} MB |`),
    ]);
  }
  if (results.growth.length) {
    tables.push([
      "| growth | load | worker | baseline | ratio p50 | worker req/s | errors | heap peak† |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...results.growth.map(
        (g) =>
          `| ${g.case} | ${g.load} | ${formatMs(g.worker)} | ${formatMs(g.baseline)} | ${(g.worker.p50 / g.baseline.p50).toFixed(2)}× | ` +
          `${g.workerRps?.toFixed(1) ?? "–"} | ${g.errors} | ${g.heapPeakMb === undefined ? "–" : `${g.heapPeakMb.toFixed(0)} MB`} |`,
      ),
      "",
      "† sampled without forcing GC: garbage not yet collected included, an upper bound.",
    ]);
  }
  if (results.burst) tables.push(burstTable(results.burst));
  if (results.costs) tables.push(costTable(results.costs));
  return tables.map((table) => table.join("\n")).join("\n\n");
}

function burstTable(b: BurstResult): string[] {
  const seconds = (s?: number) => (s === undefined ? "never" : `${s.toFixed(1)} s`);
  const latency = b.answerToDone ? `p50 ${(b.answerToDone.p50 / 1000).toFixed(1)} / p95 ${(b.answerToDone.p95 / 1000).toFixed(1)} s` : "none done";
  return [
    `| burst: ${b.clients} clients × ${b.uploadsPerClient} uploads of ${b.imageBytes / 1024 ** 2} MiB | |`,
    "| --- | --- |",
    `| upload answers 5xx | ${b.serverErrors} |`,
    `| other failed uploads (4xx, no answer) | ${b.otherStatuses + b.noAnswer} |`,
    `| lost (201, not listed) | ${b.lost} |`,
    `| renditions or analysis failed for good | ${b.failed} |`,
    `| still under way after ${b.deadlineS} s | ${b.unfinished} |`,
    `| burst start → last thumbnail | ${seconds(b.lastThumbnailS)} |`,
    `| burst start → last image done | ${seconds(b.lastDoneS)} |`,
    `| each image: upload answered → renditions and analysis done | ${latency} |`,
    `| polling resolution (listing rounds) | ~${Math.round(b.pollResolutionMs)} ms |`,
  ];
}

/** A count as people read it: thousands separated, three significant digits below 100. */
export const formatCount = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en") : Number(n.toPrecision(3)).toLocaleString("en"));

function costTable(c: CostCounts): string[] {
  const count = formatCount;
  return [
    `| counts, ${c.photos} camera photos (${(c.photoBytes / 1e6).toFixed(1)} MB, ${c.photoMegapixels.toFixed(0)} MP on average) | per photo | per 1,000 photos | measured |`,
    "| --- | --- | --- | --- |",
    ...c.rows.map((r) =>
      r.per === "photo"
        ? `| ${r.name} | ${count(r.value)} ${r.unit} | ${count(r.value * 1000)} | ${r.detail} |`
        : `| ${r.name} | ${count(r.value)} ${r.unit} a request | – | ${r.detail} |`,
    ),
  ];
}

export async function writeResults(results: Results, path = "bench/results/latest.json") {
  await mkdir("bench/results", { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
