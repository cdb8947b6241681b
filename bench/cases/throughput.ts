import autocannon from "autocannon";
import type { BenchContext } from "../context";
import type { BenchUser } from "../client";
import type { Figure } from "../report";

const connections = 10;

/**
 * F6: requests/s of an authenticated GET /images?limit=20 ÷ GET /healthz/live (which touches
 * no dependency: the worker's floor), 10 connections, alternating runs of each. autocannon runs in a worker thread, so its load generation does
 * not share an event loop with the local stand-ins this process serves.
 */
export async function measureThroughput(ctx: BenchContext, user: BenchUser): Promise<Figure> {
  const run = async (path: string, headers: Record<string, string> = {}) => {
    const result = await autocannon({
      url: `${ctx.workerUrl}${path}`,
      connections,
      duration: ctx.plan.throughput.seconds,
      headers,
      workers: 1,
    });
    const failed = result.errors + result.timeouts + result.non2xx;
    if (failed > 0) throw new Error(`${path}: ${failed} of ${result.requests.total} requests failed under load`);
    return result.requests.total / result.duration;
  };
  const list = () => run("/images?limit=20", { authorization: `Bearer ${user.token}` });
  const health = () => run("/healthz/live");

  ctx.log("F6 throughput");
  await run("/healthz/live"); // warm-up
  const listRps: number[] = [];
  const healthRps: number[] = [];
  for (let i = 0; i < ctx.plan.throughput.runs; i++) {
    if (i % 2 === 0) {
      listRps.push(await list());
      healthRps.push(await health());
    } else {
      healthRps.push(await health());
      listRps.push(await list());
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  const [lists, healths] = [median(listRps), median(healthRps)];
  return {
    id: "F6",
    name: `req/s GET /images?limit=20 ÷ /healthz/live, ${connections} conns`,
    value: lists / healths,
    unit: "×",
    target: { op: ">=", value: 0.5 },
    detail: `/images ${lists.toFixed(0)} req/s; /healthz/live ${healths.toFixed(0)} req/s (${ctx.plan.throughput.runs}×${ctx.plan.throughput.seconds} s each)`,
  };
}
