import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signInThroughForm } from "../../e2e/support/sign-in";
import type { CameraPhoto } from "../../scripts/camera-photo";
import { launchChromium, waitForBatchUploaded } from "../browser";
import { createUser, keepFromAi } from "../client";
import type { BenchContext } from "../context";
import { Uplink } from "../paced";
import { cameraPhotos } from "../photos";
import type { Figure } from "../report";
import { abortRawUpload, createRawUpload, presignRawPart, type RawUpload } from "../s3-multipart";
import { waitForPipeline } from "../sql";
import { partCount, partOf, putPart } from "../upload-protocol";
import { startUplinkProxy } from "../uplink-proxy";

/** The SPA's uploader as it stands in the tree: three files at once, one part of each at a time (web/src/lib/upload-queue.ts, upload-send.ts). */
const filesAtOnce = 3;
const partsAtOnce = 1;

/** One file ready to go: its upload created and every part's URL signed. */
interface PreparedFile {
  upload: RawUpload;
  parts: { url: string; bytes: Buffer }[];
}

/**
 * The baseline: the same files as raw presigned UploadPart PUTs, straight to the bucket, with the
 * SPA's parallelism (files three at a time, each file's parts one after the other) over one shared
 * 50 Mbit/s uplink (bench/paced.ts, the model the proxy paces the browser with). Every upload is created and every URL signed
 * before the clock starts, so only the bytes and the bucket's answers are timed. Answers the
 * milliseconds from the first byte to the last part's answer.
 */
async function rawPresignedBatch(ctx: BenchContext, photos: CameraPhoto[]): Promise<number> {
  const prepared: PreparedFile[] = [];
  for (const photo of photos) {
    const upload = await createRawUpload(ctx.s3Endpoint);
    const parts = [];
    for (let n = 1; n <= partCount(photo.bytes.length); n++) parts.push({ url: await presignRawPart(upload, n), bytes: partOf(photo.bytes, n) });
    prepared.push({ upload, parts });
  }
  const link = new Uplink();
  const files = [...prepared];
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: filesAtOnce }, async () => {
      for (let file = files.shift(); file; file = files.shift()) {
        const parts = [...file.parts];
        await Promise.all(
          Array.from({ length: Math.min(partsAtOnce, parts.length) }, async () => {
            for (let part = parts.shift(); part; part = parts.shift()) await putPart(part.url, part.bytes, link);
          }),
        );
      }
    }),
  );
  const ms = performance.now() - startedAt;
  for (const file of prepared) await abortRawUpload(file.upload);
  return ms;
}

/** The SPA's side: Chromium, the files chosen at once, through the pacing proxy. Times from the choice to the last completion's answer, and to the panel's "N uploaded". */
async function spaBatch(ctx: BenchContext, photos: CameraPhoto[]) {
  const dir = await mkdtemp(join(tmpdir(), "bench-batch-"));
  const paths: string[] = [];
  for (const photo of photos) {
    paths.push(join(dir, photo.name));
    await writeFile(join(dir, photo.name), photo.bytes);
  }
  const user = await createUser(ctx.workerUrl);
  await keepFromAi(ctx.workerUrl, user.token);
  const proxy = await startUplinkProxy();
  const browser = await launchChromium({ proxyUrl: proxy.url });
  try {
    const context = await browser.newContext({ baseURL: ctx.workerUrl, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInThroughForm(page, user);
    let completions = 0;
    let lastCompletionAt = 0;
    page.on("response", (response) => {
      if (response.request().method() === "POST" && /\/uploads\/s3\/multipart\/[^/]+\/complete\?/.test(response.url()) && response.ok()) {
        completions++;
        lastCompletionAt = performance.now();
      }
    });
    const startedAt = performance.now();
    await page.locator("#upload-input").setInputFiles(paths);
    await waitForBatchUploaded(page, photos.length, 30 * 60_000);
    const uploadedMs = performance.now() - startedAt;
    if (completions !== photos.length) throw new Error(`D4: ${completions} completions for ${photos.length} photos`);
    return { completedMs: lastCompletionAt - startedAt, uploadedMs, bytes: proxy.partBytes(), mostParts: proxy.mostPartsInFlight() };
  } finally {
    await browser.close();
    await proxy.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * D4: a batch of 12 MP camera photos of 3–6 MB (200 in the full run, 4 in --quick) sent from one
 * browser by the SPA's direct uploader (bench/uplink-proxy.ts paces Chromium at 50 Mbit/s) ÷ the
 * same files as raw presigned PUTs with the same parallelism over the same model of the link
 * (rawPresignedBatch). The SPA's time runs from choosing the files to the last completion's answer:
 * its stripping in the browser, every request to the worker and the parts; the panel saying every
 * file uploaded (the ingest jobs done too) is in the detail. The account is kept from the AI, so
 * only the renditions follow on the same machine.
 */
export async function measureDirectBatch(ctx: BenchContext): Promise<Figure> {
  const count = ctx.plan.direct.batchPhotos;
  ctx.log(`D4 a batch of ${count} camera photos at 50 Mbit/s: generating them`);
  const photos = await cameraPhotos(0, count);
  const bytes = photos.reduce((sum, photo) => sum + photo.bytes.length, 0);
  await waitForPipeline(ctx.sql);
  ctx.log(`D4 the SPA in Chromium: ${(bytes / 1e6).toFixed(0)} MB`);
  const spa = await spaBatch(ctx, photos);
  await waitForPipeline(ctx.sql, 600_000);
  ctx.log(`D4 baseline: raw presigned part PUTs, ${filesAtOnce} files × ${partsAtOnce} parts at once`);
  const rawMs = await rawPresignedBatch(ctx, photos);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const mbit = (sent: number, ms: number) => `${((sent * 8) / 1e6 / (ms / 1000)).toFixed(1)} Mbit/s`;
  return {
    id: "D4",
    name: `${count} camera photos from one browser at 50 Mbit/s: the SPA's direct uploader ÷ raw presigned PUTs`,
    value: spa.completedMs / rawMs,
    unit: "×",
    target: { op: "<=", value: 1.1 },
    detail:
      `SPA in Chromium: files chosen → last completion answered ${seconds(spa.completedMs)} (${(spa.bytes / 1e6).toFixed(1)} MB of parts, ${mbit(spa.bytes, spa.completedMs)}, ` +
      `at most ${spa.mostParts} part PUTs at once), "${count} uploaded" at ${seconds(spa.uploadedMs)}; raw presigned part PUTs of the ${(bytes / 1e6).toFixed(1)} MB, ` +
      `${filesAtOnce} files × ${partsAtOnce} parts at once, URLs signed beforehand: ${seconds(rawMs)} (${mbit(bytes, rawMs)})`,
  };
}
