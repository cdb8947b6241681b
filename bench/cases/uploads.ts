import type { BenchContext } from "../context";
import { createUser, presignPut, putPresigned, uploadImage } from "../client";
import { interleave, ratio, timed, type Summary, type Trial } from "../measure";
import { watchMemory, type MemoryPeak } from "../memory";
import { mib } from "../plan";
import { randomPng } from "../png";
import { formatMs, type Figure } from "../report";
import { waitForAnalyses } from "../sql";
import { setGeminiLatency } from "../stand-ins";

/**
 * F1: upload ÷ direct presigned PUT of the same bytes (1 and 5 MiB), sampling the worker's
 * memory during the 5 MiB ones; F2: upload with a slow Gemini ÷ with a fast one.
 */
export async function measureUploads(ctx: BenchContext): Promise<{ figures: Figure[]; duringF1b: MemoryPeak }> {
  const user = await createUser(ctx.workerUrl);
  await setGeminiLatency(ctx, 0);
  const upload = (png: Buffer) => uploadImage(ctx.workerUrl, user.token, png);

  /** The worker's upload, then the same bytes PUT straight to the bucket with a presigned URL. */
  const pair = (bytes: number): [Trial, Trial] => {
    let lastPng: Buffer | undefined;
    const viaWorker: Trial = async () => {
      lastPng = randomPng(bytes);
      const ms = await timed(() => upload(lastPng as Buffer));
      // The analysis it scheduled runs in the same isolate: let it finish before the next timing.
      await waitForAnalyses(ctx.sql);
      return ms;
    };
    const direct: Trial = async () => {
      const png = lastPng ?? randomPng(bytes);
      const url = await presignPut(ctx.s3Endpoint);
      return timed(() => putPresigned(url, png));
    };
    return [viaWorker, direct];
  };

  ctx.log("F1 upload 1 MiB");
  const [worker1, direct1] = await interleave(ctx.plan.rounds.upload1MiB, ...pair(mib));
  ctx.log("F1 upload 5 MiB, watching memory");
  const watch = watchMemory(ctx.workerdPid, ctx.inspector);
  const [worker5, direct5] = await interleave(ctx.plan.rounds.upload5MiB, ...pair(5 * mib));
  const uncollected = await watch.stop();

  ctx.log("F2 upload with Gemini at 2 s and at 0 s");
  const withLatency = (latencyMs: number): Trial => async () => {
    await setGeminiLatency(ctx, latencyMs);
    const png = randomPng(mib);
    return timed(() => upload(png));
  };
  const [slowAi, fastAi] = await interleave(ctx.plan.rounds.aiLatency, withLatency(2000), withLatency(0));
  await setGeminiLatency(ctx, 0);
  await waitForAnalyses(ctx.sql);

  const figures: Figure[] = [
    uploadFigure("F1a", "upload 1 MiB ÷ presigned PUT", worker1, direct1),
    uploadFigure("F1b", "upload 5 MiB ÷ presigned PUT", worker5, direct5),
    {
      id: "F2",
      name: "upload p50, Gemini 2 s ÷ 0 s",
      value: slowAi.p50 / fastAi.p50,
      unit: "×",
      target: { op: "<=", value: 1.1 },
      detail: `2 s: ${formatMs(slowAi)}; 0 s: ${formatMs(fastAi)}`,
    },
  ];
  return { figures, duringF1b: uncollected };
}

function uploadFigure(id: string, name: string, worker: Summary, direct: Summary): Figure {
  const r = ratio(worker, direct);
  return {
    id,
    name,
    value: r.p50,
    unit: "×",
    target: { op: "<=", value: 1.3 },
    detail: `worker ${formatMs(worker)}; direct ${formatMs(direct)}; p95 ratio ${r.p95.toFixed(2)}×`,
  };
}
