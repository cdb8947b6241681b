import type { BenchContext } from "../context";
import { createUser, presignPut, putPresigned, uploadImage } from "../client";
import { runConcurrent, summarize, timed } from "../measure";
import { watchMemory } from "../memory";
import { mib } from "../plan";
import { randomPng } from "../png";
import type { GrowthRow } from "../report";
import { waitForAnalyses } from "../sql";

/**
 * F1 under load: 1 MiB uploads from 1, 4, 16 concurrent clients through the worker, and
 * the same bytes by presigned PUT at the same concurrency. Images are made before the clock
 * starts, so generating them never holds up the requests being timed.
 */
export async function measureUploadGrowth(ctx: BenchContext): Promise<GrowthRow[]> {
  const user = await createUser(ctx.workerUrl);
  const rows: GrowthRow[] = [];
  for (const clients of ctx.plan.growthClients) {
    ctx.log(`growth: uploads from ${clients} clients`);
    const pngs = Array.from({ length: Math.max(10, clients * 2) }, () => randomPng(mib));
    const urls = await Promise.all(pngs.map(() => presignPut(ctx.s3Endpoint)));

    let next = 0;
    const watch = watchMemory(ctx.workerdPid, ctx.inspector);
    const worker = await runConcurrent(clients, pngs.length, () => {
      const png = pngs[next++];
      return timed(() => uploadImage(ctx.workerUrl, user.token, png));
    });
    const memory = await watch.stop();
    await waitForAnalyses(ctx.sql, 300_000);

    next = 0;
    const direct = await runConcurrent(clients, pngs.length, () => {
      const i = next++;
      return timed(() => putPresigned(urls[i], pngs[i]));
    });
    if (worker.firstError ?? direct.firstError) ctx.log(`  first failure: ${String(worker.firstError ?? direct.firstError)}`);
    rows.push({
      case: "F1 upload 1 MiB",
      load: `${clients} clients`,
      worker: summarize(worker.samples),
      baseline: summarize(direct.samples),
      workerRps: (worker.samples.length / worker.wallMs) * 1000,
      errors: worker.errors + direct.errors,
      heapPeakMb: memory.heapWithBuffersMb,
    });
  }
  return rows;
}
