import type { BenchContext } from "../context";
import { createUser, presignPut, putPresigned, putPresignedPaced, uploadImage, uploadImagePaced } from "../client";
import { interleave, ratio, timed, type Summary, type Trial } from "../measure";
import { watchMemory, type MemoryPeak } from "../memory";
import { mib } from "../plan";
import { randomPng } from "../png";
import { formatMs, type Figure, type GrowthRow } from "../report";
import { waitForAnalyses } from "../sql";
import { setGeminiLatency, setNetworkLatency } from "../stand-ins";

/** A realistic round trip at each dependency, for the paced figures: what a Worker near its user sees. */
const networkLatency = { neon: 10, s3: 20 };

/**
 * F1: upload ÷ direct presigned PUT of the same bytes, both sides paced at a 50 Mbit/s uplink
 * with a round trip of 10 ms at the database and 20 ms at the bucket (F1a/F1b), and on bare
 * loopback (F1a/F1b loopback, and the growth table's sizes), sampling the worker's memory
 * during the 5 MiB ones; F2: upload with a slow Gemini ÷ with a fast one. Uploads go to the
 * worker's workerd directly (bench/direct.ts). Every timed upload's analysis is let finish
 * before the next timing.
 */
export async function measureUploads(ctx: BenchContext): Promise<{ figures: Figure[]; growth: GrowthRow[]; duringF1b: MemoryPeak }> {
  const user = await createUser(ctx.workerUrl);
  await setGeminiLatency(ctx, 0);
  /** The upload, timed; then its analysis (which runs in the same isolate) is let finish. */
  const upload = async (png: Buffer, paced = false) => {
    const ms = await timed(() => (paced ? uploadImagePaced : uploadImage)(ctx.directUrl, user.token, png));
    await waitForAnalyses(ctx.sql);
    return ms;
  };

  /** The worker's upload, then the same bytes PUT straight to the bucket with a presigned URL. */
  const pair = (bytes: number, paced = false): [Trial, Trial] => {
    let lastPng: Buffer | undefined;
    const viaWorker: Trial = () => {
      lastPng = randomPng(bytes);
      return upload(lastPng, paced);
    };
    const direct: Trial = async () => {
      const png = lastPng ?? randomPng(bytes);
      const url = await presignPut(ctx.s3Endpoint);
      return timed(() => (paced ? putPresignedPaced : putPresigned)(url, png));
    };
    return [viaWorker, direct];
  };

  ctx.log(`F1 paced: 50 Mbit/s uplink, ${networkLatency.neon} ms a database request, ${networkLatency.s3} ms an S3 request`);
  await setNetworkLatency(ctx, networkLatency);
  const paced1 = await interleave(ctx.plan.rounds.upload1MiB, ...pair(mib, true));
  const paced5 = await interleave(ctx.plan.rounds.upload5MiB, ...pair(5 * mib, true));
  await setNetworkLatency(ctx, { neon: 0, s3: 0 });

  const sizes = [...new Set([...ctx.plan.growthUploadBytes, mib, 5 * mib])].sort((a, b) => a - b);
  const bySize = new Map<number, [Summary, Summary]>();
  let duringF1b: MemoryPeak | undefined;
  for (const bytes of sizes) {
    const fiveMiB = bytes === 5 * mib;
    ctx.log(`F1 upload ${label(bytes)}${fiveMiB ? ", watching memory" : ""}`);
    const watch = fiveMiB ? watchMemory(ctx.workerdPid, ctx.inspector) : undefined;
    bySize.set(bytes, await interleave(fiveMiB ? ctx.plan.rounds.upload5MiB : ctx.plan.rounds.upload1MiB, ...pair(bytes)));
    if (watch) duringF1b = await watch.stop();
  }

  ctx.log("F2 upload with Gemini at 2 s and at 0 s");
  const withLatency = (latencyMs: number): Trial => async () => {
    await setGeminiLatency(ctx, latencyMs);
    return upload(randomPng(mib));
  };
  const [slowAi, fastAi] = await interleave(ctx.plan.rounds.aiLatency, withLatency(2000), withLatency(0));
  await setGeminiLatency(ctx, 0);

  const [worker1, direct1] = bySize.get(mib) as [Summary, Summary];
  const [worker5, direct5] = bySize.get(5 * mib) as [Summary, Summary];
  const paced = `paced 50 Mbit/s, ${networkLatency.neon}/${networkLatency.s3} ms db/S3 round trip`;
  const figures: Figure[] = [
    uploadFigure("F1a", `upload 1 MiB ÷ presigned PUT, ${paced}`, ...paced1, 1.2),
    uploadFigure("F1b", `upload 5 MiB ÷ presigned PUT, ${paced}`, ...paced5, 1.1),
    uploadFigure("F1a-lo", "upload 1 MiB ÷ presigned PUT, loopback", worker1, direct1, 1.3),
    uploadFigure("F1b-lo", "upload 5 MiB ÷ presigned PUT, loopback", worker5, direct5, 1.3),
    {
      id: "F2",
      name: "upload p50, Gemini 2 s ÷ 0 s",
      value: slowAi.p50 / fastAi.p50,
      unit: "×",
      target: { op: "<=", value: 1.1 },
      detail: `2 s: ${formatMs(slowAi)}; 0 s: ${formatMs(fastAi)}; each trial's analysis settled before the next`,
    },
  ];
  const growth = ctx.plan.growthUploadBytes.map((bytes): GrowthRow => {
    const [worker, direct] = bySize.get(bytes) as [Summary, Summary];
    return { case: "F1 upload ÷ presigned PUT, 1 client", load: label(bytes), worker, baseline: direct, errors: 0 };
  });
  return { figures, growth, duringF1b: duringF1b as MemoryPeak };
}

const label = (bytes: number) => (bytes >= mib ? `${bytes / mib} MiB` : `${Math.round(bytes / 1024)} KiB`);

function uploadFigure(id: string, name: string, worker: Summary, direct: Summary, target: number): Figure {
  const r = ratio(worker, direct);
  return {
    id,
    name,
    value: r.p50,
    unit: "×",
    target: { op: "<=", value: target },
    detail: `worker ${formatMs(worker)}; direct ${formatMs(direct)}; p95 ratio ${r.p95.toFixed(2)}×`,
  };
}
