/** Timing helpers: every figure is a ratio of two workloads measured side by side. */

export interface Summary {
  n: number;
  p50: number;
  p95: number;
}

/** A trial prepares what it needs, then returns the milliseconds of the part it times. */
export type Trial = () => Promise<number>;

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Nearest-rank percentile of unsorted samples. */
function percentile(samples: number[], p: number): number {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const summarize = (samples: number[]): Summary => ({
  n: samples.length,
  p50: percentile(samples, 50),
  p95: percentile(samples, 95),
});

/**
 * Runs trials a and b `rounds` times each, alternating which goes first, so drift in a
 * shared machine's load touches both alike. Warm-up rounds are run and thrown away.
 */
export async function interleave(rounds: number, a: Trial, b: Trial, warmup = 2): Promise<[Summary, Summary]> {
  const samples: [number[], number[]] = [[], []];
  for (let round = -warmup; round < rounds; round++) {
    const order = round % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
    for (const which of order) {
      const ms = await (which === 0 ? a : b)();
      if (round >= 0) samples[which].push(ms);
    }
  }
  return [summarize(samples[0]), summarize(samples[1])];
}

/**
 * `clients` loops sharing `total` trials; returns the time of every trial that succeeded,
 * how many failed (with the first failure), and the wall time. Bounded by count and by
 * `deadlineMs`, after which no new trial starts.
 */
export async function runConcurrent(clients: number, total: number, trial: Trial, deadlineMs = 120_000) {
  const samples: number[] = [];
  let started = 0;
  let errors = 0;
  let firstError: unknown;
  const deadline = Date.now() + deadlineMs;
  const wallMs = await timed(() =>
    Promise.all(
      Array.from({ length: clients }, async () => {
        while (started < total && Date.now() < deadline) {
          started++;
          try {
            samples.push(await trial());
          } catch (error) {
            errors++;
            firstError ??= error;
          }
        }
      }),
    ),
  );
  if (samples.length === 0) throw new Error(`every trial failed: ${String(firstError)}`);
  return { samples, errors, firstError, wallMs };
}

export const ratio = (a: Summary, b: Summary) => ({ p50: a.p50 / b.p50, p95: a.p95 / b.p95 });
