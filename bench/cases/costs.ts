import sharp from "sharp";
import { cameraPhoto, type CameraPhoto } from "../../scripts/camera-photo";
import type { BenchContext } from "../context";
import { createUser, postImage } from "../client";
import { type CostRow, countCosts } from "../cost-counts";
import { formatCount } from "../report";
import { followLikeTheWebApp, isDone, listAll, pipelineDeadlineMs, type ImageState } from "../pipeline";
import { waitForAnalyses } from "../sql";

/** The web app's upload queue sends two files at a time (web/src/lib/upload-queue.ts). */
const parallelUploads = 2;
/** The gallery's page (web/src/lib/images.ts). */
const galleryPageSize = 24;

export interface CostCounts {
  photos: number;
  /** Mean bytes and megapixels of the photos uploaded. */
  photoBytes: number;
  photoMegapixels: number;
  rows: CostRow[];
}

/**
 * C1: what one photo costs in billable operations, counted, not priced: a signed-in client uploads
 * `costPhotos` 12 MP camera JPEGs (3–6 MB) two at a time as the web app does, follows each as the web
 * app does until it is settled, then opens the gallery once (its pages, every thumbnail). The counts
 * come from the stand-ins' logs and storage, divided by the photos; the S3 ones by key (the user's
 * originals and renditions), the Gemini ones by time (no other case runs meanwhile).
 */
export async function measureCosts(ctx: BenchContext): Promise<{ result: CostCounts; failures: string[] }> {
  const count = ctx.plan.costPhotos;
  ctx.log(`C1 costs: generating ${count} camera photos${ctx.plan.quick ? " (quick: fewer photos; the full run uploads 20)" : ""}`);
  const photos: CameraPhoto[] = [];
  for (let seed = 0; seed < count; seed++) photos.push(await cameraPhoto(500 + seed));
  const user = await createUser(ctx.workerUrl);
  // The Gemini log is read by time: no earlier case's analysis may still be running into it.
  await waitForAnalyses(ctx.sql, pipelineDeadlineMs);

  ctx.log(`C1: uploading them ${parallelUploads} at a time and following each until settled`);
  const from = new Date();
  const deadline = performance.now() + pipelineDeadlineMs;
  const settled: ImageState[] = [];
  const failures: string[] = [];
  let uploads = 0;
  let polls = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: parallelUploads }, async () => {
      while (next < photos.length) {
        const photo = photos[next++];
        uploads++;
        const { status, text } = await postImage(ctx.workerUrl, user.token, { bytes: photo.bytes, type: "image/jpeg", name: photo.name });
        if (status !== 201) {
          failures.push(`upload of ${photo.name} answered ${status}: ${text.slice(0, 200)}`);
          continue;
        }
        const id = (JSON.parse(text) as { image: { id: string } }).image.id;
        // Not awaited: the next upload starts while this one is followed, as in the browser.
        void followLikeTheWebApp(ctx.workerUrl, user.token, id, deadline).then(
          (followed) => {
            polls += followed.requests;
            settled.push(followed.image);
          },
          (error: unknown) => failures.push(String(error)),
        );
      }
    }),
  );
  while (settled.length + failures.length < photos.length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const pipelineTo = new Date();
  const notDone = settled.filter((image) => !isDone(image));
  if (settled.length + failures.length < photos.length) failures.push(`${photos.length - settled.length} photos not settled within ${pipelineDeadlineMs / 1000} s`);
  if (notDone.length) failures.push(`${notDone.length} photos settled without renditions and analysis done (${notDone[0].renditions_status}, ${notDone[0].analysis_status})`);

  ctx.log("C1: opening the gallery once: its pages and every thumbnail");
  const viewFrom = new Date();
  const gallery = await listAll(ctx.workerUrl, user.token, galleryPageSize);
  for (const image of gallery.images) {
    if (!image.thumb_url) continue;
    const res = await fetch(image.thumb_url);
    if (res.status !== 200) failures.push(`thumbnail of ${image.id} answered ${res.status}`);
    await res.arrayBuffer();
  }

  const sizes = await Promise.all(photos.map((p) => sharp(p.bytes).metadata()));
  const result: CostCounts = {
    photos: count,
    photoBytes: photos.reduce((sum, p) => sum + p.bytes.length, 0) / count,
    photoMegapixels: sizes.reduce((sum, m) => sum + (m.width ?? 0) * (m.height ?? 0), 0) / count / 1e6,
    rows: await countCosts(ctx, {
      userId: user.id,
      photos: count,
      pipeline: { from, to: pipelineTo },
      viewFrom,
      client: { uploads, polls, listings: gallery.requests },
      originalSha256s: new Set(gallery.images.map((image) => image.sha256)),
    }),
  };
  for (const row of result.rows) {
    const per1000 = row.per === "photo" ? `, ${formatCount(row.value * 1000)} per 1,000 photos` : "";
    ctx.log(`C1: ${row.name}: ${formatCount(row.value)} ${row.unit} a ${row.per}${per1000} (${row.detail})`);
  }
  return { result, failures: failures.map((f) => `C1 costs: ${f}`) };
}
