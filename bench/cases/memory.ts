import type { BenchContext } from "../context";
import { createUser, uploadImage, type BenchUser } from "../client";
import { liveMemory, watchMemory, type MemoryPeak } from "../memory";
import { multipartImage } from "../paced";
import { mib } from "../plan";
import { randomPng } from "../png";
import type { Figure, MemoryRow } from "../report";
import { waitForAnalyses } from "../sql";
import { geminiRequestCount, setGeminiLatency, setS3PutLatency } from "../stand-ins";

/** Long enough for the heap snapshot (a second or two), short of the worker's 15 s S3 timeout. */
const snapshotMs = 6_000;

/**
 * M: the worker's live memory at the two moments a 5 MiB upload holds the most, with 1 and
 * with several in flight: uploads waiting on S3 (the request's buffers), and analyses
 * waiting on Gemini (the object read back and its base64 request). The stand-ins hold the
 * requests there while a heap snapshot (a full GC) measures what is live.
 */
export async function measureMemory(ctx: BenchContext, duringF1b?: MemoryPeak): Promise<{ figures: Figure[]; rows: MemoryRow[] }> {
  const user = await createUser(ctx.workerUrl);
  const rows: MemoryRow[] = [];
  for (const inFlight of ctx.plan.memoryUploads) {
    ctx.log(`M: ${inFlight} × 5 MiB uploads held at S3`);
    const pngs = Array.from({ length: inFlight }, () => randomPng(5 * mib));
    // Time for every upload to reach its PUT (each is a few hundred ms of the worker's CPU).
    const arriveMs = 1000 + 400 * inFlight;
    await setS3PutLatency(ctx, `users/${user.id}/`, arriveMs + snapshotMs);
    const heldUntil = Date.now() + arriveMs + snapshotMs;
    const uploads = Promise.allSettled(pngs.map((png) => uploadImage(ctx.workerUrl, user.token, png)));
    // The gate holds each PUT before reading its body, so the worker keeps every buffer meanwhile.
    await new Promise((resolve) => setTimeout(resolve, arriveMs));
    rows.push({ moment: `${inFlight} × 5 MiB upload waiting on S3`, ...(await liveMemory(ctx.inspector)) });
    if (Date.now() > heldUntil) ctx.log("  the snapshot outlasted the hold: this figure may be low");
    await setS3PutLatency(ctx, "", 0);
    // On a loaded machine a held PUT can outlive the worker's 15 s S3 deadline (503): the
    // snapshot above was taken while they were held, so the figure stands; say so.
    const failed = (await uploads).filter((result) => result.status === "rejected");
    if (failed.length) ctx.log(`  ${failed.length} of ${inFlight} held uploads failed afterwards: ${String(failed[0].reason).slice(0, 160)}`);
    await waitForAnalyses(ctx.sql);

    ctx.log(`M: ${inFlight} × 5 MiB analyses held at Gemini`);
    const analysisPngs = Array.from({ length: inFlight }, () => randomPng(5 * mib));
    await setGeminiLatency(ctx, 10_000);
    const before = await geminiRequestCount(ctx);
    await Promise.all(analysisPngs.map((png) => uploadImage(ctx.workerUrl, user.token, png)));
    await waitUntil(async () => (await geminiRequestCount(ctx)) >= before + inFlight, 10_000);
    rows.push({ moment: `${inFlight} × 5 MiB analysis waiting on Gemini`, ...(await liveMemory(ctx.inspector)) });
    await setGeminiLatency(ctx, 0);
    await waitForAnalyses(ctx.sql);
  }
  const fewest = Math.min(...ctx.plan.memoryUploads);
  const worst = rows
    .filter((row) => row.moment.startsWith(`${fewest} ×`))
    .reduce((a, b) => (b.heapWithBuffersMb > a.heapWithBuffersMb ? b : a));
  const largest = await measureLargestRequests(ctx, user);
  rows.push(largest.row);
  return {
    rows,
    figures: [{
      id: "M",
      name: `worker live memory, ${fewest} × 5 MiB upload`,
      value: worst.heapWithBuffersMb,
      unit: "MB",
      target: { op: "<=", value: 128 },
      detail:
        `JS heap + ArrayBuffers after a full GC, at its peak (${worst.moment.replace(/^\d+ × 5 MiB /, "")})` +
        (duringF1b
          ? `; sampled without GC during F1b (garbage included) ${duringF1b.heapWithBuffersMb.toFixed(0)} MB; workerd RSS ${duringF1b.rssBaselineMb.toFixed(0)} → ${duringF1b.rssPeakMb.toFixed(0)} MB`
          : ""),
    }, largest.figure],
  };
}

/** MAX_UPLOAD_BYTES as wrangler.toml sets it for the worker the bench runs. */
const maxUploadBytes = 10 * mib;

/**
 * M2: at once, two requests of the largest size the route accepts to read (a single part three
 * times the file limit, which must be refused 413 without being held whole) and two uploads
 * of a file at the limit, held at the S3 PUT: the isolate's peak (sampled, garbage included)
 * and its live memory after a full GC while they are held.
 */
async function measureLargestRequests(ctx: BenchContext, user: BenchUser): Promise<{ figure: Figure; row: MemoryRow }> {
  ctx.log("M2: 2 × 3 × MAX_UPLOAD_BYTES requests and 2 × MAX_UPLOAD_BYTES uploads at once");
  const oversized = Array.from({ length: 2 }, () => multipartImage(Buffer.alloc(3 * maxUploadBytes, 7)));
  const atLimit = Array.from({ length: 2 }, () => randomPng(maxUploadBytes - 64 * 1024));
  const arriveMs = 3000;
  await setS3PutLatency(ctx, `users/${user.id}/`, arriveMs + snapshotMs);
  const watch = watchMemory(ctx.workerdPid, ctx.inspector);
  // The worker may answer 413 and close the connection while the 30 MiB body is still being
  // written: undici then rejects with "terminated" (EPIPE) instead of giving the answer. Either
  // way the request was refused; the rejection is caught here, at once, so it cannot surface as
  // an unhandled rejection during the 3 s wait below.
  const refused = oversized.map(async ({ body, contentType }) => {
    try {
      const res = await fetch(`${ctx.directUrl}/images/upload`, { method: "POST", headers: { authorization: `Bearer ${user.token}`, "content-type": contentType }, body });
      const answer = (await res.json()) as { code?: string };
      return `${res.status} ${answer.code ?? ""}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      return `connection closed while sending (${cause?.code ?? String(error)})`;
    }
  });
  const stored = Promise.allSettled(atLimit.map((png) => uploadImage(ctx.directUrl, user.token, png)));
  await new Promise((resolve) => setTimeout(resolve, arriveMs));
  const live = await liveMemory(ctx.inspector);
  await setS3PutLatency(ctx, "", 0);
  const answers = await Promise.all(refused);
  const failed = (await stored).filter((result) => result.status === "rejected");
  const peak = await watch.stop();
  if (failed.length) ctx.log(`  ${failed.length} of 2 uploads at the limit failed: ${String(failed[0].reason).slice(0, 160)}`);
  await waitForAnalyses(ctx.sql);
  return {
    row: { moment: "2 × 3×MAX refused + 2 × MAX held at S3", ...live },
    figure: {
      id: "M2",
      name: "worker memory, 2 requests of 3 × MAX_UPLOAD_BYTES + 2 uploads of MAX_UPLOAD_BYTES at once",
      value: peak.heapWithBuffersMb,
      unit: "MB",
      target: { op: "<=", value: 128 },
      detail:
        `sampled peak, garbage included; live after a full GC while the uploads were held ${live.heapWithBuffersMb.toFixed(1)} MB; ` +
        `the oversized ones answered ${answers.join(", ")}; workerd RSS ${peak.rssBaselineMb.toFixed(0)} → ${peak.rssPeakMb.toFixed(0)} MB`,
    },
  };
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
