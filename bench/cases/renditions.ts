import type { Page } from "playwright-core";
import sharp from "sharp";
import { cameraPhoto, type CameraPhoto } from "../../scripts/camera-photo";
import { recordImageTraffic, waitForTileImages } from "../../e2e/support/image-traffic";
import { launchChromium } from "../browser";
import type { BenchContext } from "../context";
import { createUser } from "../client";
import { interleave, timed } from "../measure";
import { liveMemory, watchMemory } from "../memory";
import type { Figure } from "../report";

/**
 * R1–R4: what renditions buy and cost. Camera-size photos (12 MP JPEGs of 3–6 MB, generated)
 * are uploaded; Chromium opens the gallery and counts the image bytes it transfers, on a first
 * visit (÷ the originals' bytes) and on a second one (a new tab: the HTTP cache's turn). Then
 * one photo's renditions made again by the cron sweep, as for an image from before renditions
 * (the original streamed from the bucket into the Images binding), timed from the cron to the
 * row saying done, side by side with sharp making the same two WebPs in Node (what miniflare's
 * binding runs); the isolate's memory is sampled meanwhile.
 */
export async function measureRenditions(ctx: BenchContext): Promise<Figure[]> {
  const galleryPhotos = ctx.plan.quick ? 6 : 24;
  ctx.log(`R: generating ${galleryPhotos} camera-size photos`);
  const photos: CameraPhoto[] = [];
  for (let seed = 0; seed < galleryPhotos; seed++) photos.push(await cameraPhoto(seed));
  const originalBytes = photos.reduce((sum, photo) => sum + photo.bytes.length, 0);

  const user = await createUser(ctx.workerUrl);
  ctx.log(`R: uploading them (${(originalBytes / 1e6).toFixed(0)} MB) and waiting for their renditions`);
  for (const photo of photos) await uploadPhoto(ctx.workerUrl, user.token, photo);
  await renditionsSettle(ctx, user.id);

  ctx.log("R1/R2: the gallery in Chromium, then again in a new tab");
  const browser = await launchChromium();
  let firstVisit: number;
  let secondVisit: number;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 2000 }, baseURL: ctx.workerUrl });
    const page = await context.newPage();
    const first = await recordImageTraffic(page);
    await signIn(page, user);
    await waitForTileImages(page, galleryPhotos);
    firstVisit = first.networkBytes();
    const tab = await context.newPage();
    const second = await recordImageTraffic(tab);
    await tab.goto("/");
    await waitForTileImages(tab, galleryPhotos);
    secondVisit = second.networkBytes();
  } finally {
    await browser.close();
  }

  const rounds = ctx.plan.quick ? 1 : 5;
  ctx.log(`R3/R4: the sweep renders one 12 MP photo (streamed from the bucket) ÷ sharp in Node, ${rounds} rounds`);
  const photo = photos[1]; // a portrait: the orientation is applied too
  const owner = await createUser(ctx.workerUrl);
  await uploadPhoto(ctx.workerUrl, owner.token, photo);
  await renditionsSettle(ctx, owner.id);
  const [binding, direct] = await interleave(
    rounds,
    async () => {
      await ctx.sql.forgetRenditions(owner.id);
      return timed(async () => {
        await runCron(ctx.workerUrl);
        await renditionsSettle(ctx, owner.id, 20);
      });
    },
    () => timed(() => sharpRenditions(photo.bytes)),
    ctx.plan.quick ? 0 : 1,
  );

  // Memory apart from the timing: a full GC first (a heap snapshot), so earlier cases' garbage is
  // not counted; then the isolate's heap sampled while the sweep makes the renditions once more.
  const atRest = await liveMemory(ctx.inspector);
  await ctx.sql.forgetRenditions(owner.id);
  const memory = watchMemory(ctx.workerdPid, ctx.inspector);
  await runCron(ctx.workerUrl);
  await renditionsSettle(ctx, owner.id, 20);
  const peak = await memory.stop();

  return [
    {
      id: "R1",
      name: `gallery of ${galleryPhotos} camera photos: image bytes ÷ originals`,
      value: (firstVisit / originalBytes) * 100,
      unit: "%",
      target: { op: "<=", value: 3 },
      detail: `${(firstVisit / 1024).toFixed(0)} KiB of images for ${(originalBytes / 1e6).toFixed(1)} MB of 12 MP JPEGs (Chromium, 1280 px wide)`,
    },
    {
      id: "R2",
      name: "the same gallery again in a new tab: image bytes",
      value: secondVisit / 1024,
      unit: "KiB",
      target: { op: "<=", value: 0 },
      detail: "the same rendition URLs within the day, cached private, max-age a year, immutable",
    },
    {
      id: "R3",
      name: "renditions of a 12 MP photo: the sweep through the local binding ÷ sharp in Node",
      value: binding.p50 / direct.p50,
      unit: "×",
      target: { op: "<=", value: 2 },
      detail: `cron → original streamed from S3 into the binding → both stored → row done: p50 ${binding.p50.toFixed(0)} / p95 ${binding.p95.toFixed(0)} ms; sharp from bytes in memory: p50 ${direct.p50.toFixed(0)} / p95 ${direct.p95.toFixed(0)} ms`,
    },
    {
      id: "R4",
      name: "worker memory while the sweep renders a 12 MP photo",
      value: peak.heapWithBuffersMb,
      unit: "MB",
      target: { op: "<=", value: 128 },
      detail: `isolate heap + ArrayBuffers, sampled peak (garbage included) after a full GC left ${atRest.heapWithBuffersMb.toFixed(1)} MB; the decode happens in the binding, outside the isolate`,
    },
  ];
}

/** Kept from the AI (no_ai), so only the renditions follow the upload. */
async function uploadPhoto(baseUrl: string, token: string, photo: CameraPhoto) {
  const form = new FormData();
  form.append("image", new Blob([new Uint8Array(photo.bytes)], { type: "image/jpeg" }), photo.name);
  form.append("no_ai", "true");
  const res = await fetch(`${baseUrl}/images/upload`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 201) throw new Error(`upload of ${photo.name} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  await res.arrayBuffer();
}

/** wrangler dev runs with --test-scheduled: this runs the cron handler (the sweep) now. */
async function runCron(baseUrl: string) {
  const res = await fetch(`${baseUrl}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`);
  if (!res.ok) throw new Error(`the cron trigger answered ${res.status}`);
  await res.arrayBuffer();
}

async function renditionsSettle(ctx: BenchContext, userId: string, pollMs = 100, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await ctx.sql.renditionsPending(userId)) > 0) {
    if (Date.now() > deadline) throw new Error(`renditions still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** What the local binding runs for the worker: display from the original (turned upright), thumb from the display. */
async function sharpRenditions(jpeg: Buffer) {
  const display = await sharp(jpeg, { autoOrient: true }).resize(2048, 2048, { fit: "inside", withoutEnlargement: true }).webp().toBuffer();
  await sharp(display).resize(480, 480, { fit: "inside", withoutEnlargement: true }).webp().toBuffer();
}

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto("/login?next=%2F");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
