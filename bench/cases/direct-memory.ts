import { setTimeout as sleep } from "node:timers/promises";
import type { BenchContext } from "../context";
import { bigPng } from "../big-png";
import { type BenchUser, createUser } from "../client";
import { liveMemory, watchMemory } from "../memory";
import { mib } from "../plan";
import type { Figure } from "../report";
import { waitForPipeline } from "../sql";
import { completeUpload, createUpload, putPart, type SentPart, signPart, type UploadSession, uploadState } from "../upload-protocol";

/** Streaming 100 MiB in and out on loopback takes seconds; this is far beyond. */
const ingestDeadlineMs = 180_000;

/**
 * D2: the isolate's peak memory while the ingest job makes an image of a big direct upload (100 MiB
 * in the full run): a PNG of random pixels (bench/big-png.ts), sent to the bucket in 5 MiB parts on
 * loopback. After a full GC, the isolate's heap and ArrayBuffer stores are sampled (garbage
 * included, bench/memory.ts) from the completion until GET /uploads/:id says done or failed: the
 * job's every step (type check, strip, hash, the copy to the image's key, the row) happens in that
 * window, and nothing else runs in the isolate meanwhile. The job must make the image on its first
 * attempt: if it fails (the queue would retry it) or is not done within 3 minutes, the figure
 * misses with the peak seen so far, and the account is deleted so that no retry runs on.
 */
export async function measureDirectMemory(ctx: BenchContext): Promise<Figure> {
  const file = await bigPng(ctx.plan.direct.ingestBytes);
  const label = `${(file.size / mib).toFixed(0)} MiB`;
  ctx.log(`D2 isolate memory while a ${label} direct upload (${file.parts.length} parts) is ingested`);
  const user = await createUser(ctx.workerUrl);
  const session = { baseUrl: ctx.directUrl, token: user.token };
  await waitForPipeline(ctx.sql);
  const upload = await createUpload(session, { name: file.name, type: "image/png", size: file.size });
  const sent: SentPart[] = [];
  for (const [i, part] of file.parts.entries()) sent.push({ PartNumber: i + 1, ETag: await putPart(await signPart(session, upload, i + 1), part) });

  const atRest = await liveMemory(ctx.inspector);
  const watch = watchMemory(ctx.workerdPid, ctx.inspector);
  const startedAt = performance.now();
  const outcome = await completeUpload(session, upload, sent)
    .then((done) => ingestOutcome(ctx, session, done))
    .catch((error: unknown) => ({ failed: error instanceof Error ? error.message : String(error) }));
  // Stopped on failure too: its sampling would otherwise outlive the case.
  const peak = await watch.stop();
  const seconds = (performance.now() - startedAt) / 1000;
  const ended = "failed" in outcome ? `failed: ${outcome.failed}` : "done";
  ctx.log(`D2: ${ended} after ${seconds.toFixed(1)} s; peak ${peak.heapWithBuffersMb.toFixed(0)} MB`);
  // A job left retrying would run on into the next cases: deleting the account ends it (the retry finds no upload).
  if ("failed" in outcome) await deleteAccount(ctx.directUrl, user);
  await waitForPipeline(ctx.sql);
  return {
    id: "D2",
    name: `isolate memory while the ingest job processes a ${label} direct upload`,
    value: peak.heapWithBuffersMb,
    unit: "MB",
    target: { op: "<", value: 128 },
    ...("failed" in outcome ? { failed: outcome.failed } : {}),
    detail:
      `heap + ArrayBuffers sampled every ~25 ms (garbage included) from the completion to ${"failed" in outcome ? "the failure" : "done"} ` +
      `${seconds.toFixed(1)} s later; heap alone ${peak.heapMb.toFixed(1)} MB; ${atRest.heapWithBuffersMb.toFixed(1)} MB live before (after a full GC); ` +
      `a ${(file.size / 1e6).toFixed(1)} MB PNG of random pixels in ${file.parts.length} parts; workerd RSS ${peak.rssBaselineMb.toFixed(0)} → ${peak.rssPeakMb.toFixed(0)} MB`,
  };
}

/** The ingest's first try must make the image: a loopback upload has nothing transient to retry for. */
async function ingestOutcome(ctx: BenchContext, session: UploadSession, done: { location: string; upload_id: string }): Promise<{ failed: string } | { imageId: string }> {
  const deadline = performance.now() + ingestDeadlineMs;
  for (;;) {
    const state = await uploadState(session, done.location);
    if (state.status === "done" && state.image_id) return { imageId: state.image_id };
    if (state.status !== "processing") return { failed: `the upload ${state.status} (${state.error})` };
    const job = await ctx.sql.ingestAttempts(done.upload_id);
    if (job && job.attempts >= 1 && !job.leased) return { failed: "the ingest job's first attempt did not make the image (the queue would retry it)" };
    if (performance.now() > deadline) return { failed: `the ingest did not finish within ${ingestDeadlineMs / 1000} s` };
    await sleep(200);
  }
}

async function deleteAccount(baseUrl: string, user: BenchUser) {
  const res = await fetch(`${baseUrl}/auth/me`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
    body: JSON.stringify({ password: user.password }),
  });
  if (res.status !== 204) throw new Error(`DELETE /auth/me answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}
