import { setTimeout as sleep } from "node:timers/promises";
import type { BenchContext } from "../context";
import { createUser } from "../client";
import { summarize } from "../measure";
import type { ImageState } from "../pipeline";
import { cameraPhotos } from "../photos";
import type { Figure } from "../report";
import { waitForPipeline } from "../sql";
import { type UploadSession, uploadDirect, uploadState } from "../upload-protocol";

const pollMs = 100;

/** Polls until `check` answers something; answers it and when it was seen (performance.now()). */
async function seen<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 120_000): Promise<{ value: T; at: number }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return { value, at: performance.now() };
    if (performance.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

async function imageView(session: UploadSession, id: string): Promise<ImageState> {
  const res = await fetch(`${session.baseUrl}/images/${id}`, { headers: { authorization: `Bearer ${session.token}` } });
  if (res.status !== 200) throw new Error(`GET /images/${id} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as ImageState;
}

/**
 * D3: from the last byte of a direct upload (its completion's answer) to its thumbnail: GET
 * /uploads/:id polled until done (the ingest job), then GET /images/:id until the renditions are
 * done with a thumb_url (the job the ingest sends). One 12 MP camera photo of 3–6 MB at a time,
 * in the SPA's 5 MiB parts on loopback, each followed to its thumbnail and let settle before the
 * next, kept from the AI: nothing else runs meanwhile. Polled every 100 ms.
 */
export async function measureDirectThumb(ctx: BenchContext): Promise<Figure> {
  const count = ctx.plan.direct.thumbPhotos;
  const photos = await cameraPhotos(0, count);
  ctx.log(`D3 completion → thumbnail, ${count} camera photos one at a time`);
  const session = { baseUrl: ctx.directUrl, token: (await createUser(ctx.workerUrl)).token };
  await waitForPipeline(ctx.sql);
  const toDone: number[] = [];
  const toThumb: number[] = [];
  for (const photo of photos) {
    const completed = await uploadDirect(session, { name: photo.name, type: "image/jpeg", bytes: photo.bytes });
    const answeredAt = performance.now();
    const done = await seen(async () => {
      const state = await uploadState(session, completed.location);
      if (state.status === "failed" || state.status === "aborted") throw new Error(`D3: ${photo.name} ${state.status} (${state.error})`);
      return state.status === "done" && state.image_id ? state.image_id : undefined;
    }, `${photo.name} ingested`);
    const thumb = await seen(async () => {
      const image = await imageView(session, done.value);
      if (image.renditions_status !== "pending" && image.renditions_status !== "done") throw new Error(`D3: ${photo.name} renditions ${image.renditions_status}`);
      return image.renditions_status === "done" && image.thumb_url ? image : undefined;
    }, `${photo.name} thumbnail`);
    toDone.push(done.at - answeredAt);
    toThumb.push(thumb.at - answeredAt);
    await waitForPipeline(ctx.sql);
  }
  const thumbs = summarize(toThumb);
  const ingests = summarize(toDone);
  const sizes = photos.map((photo) => photo.bytes.length / 1e6);
  return {
    id: "D3",
    name: "direct upload of a camera photo: completion's answer → thumbnail, p50",
    value: thumbs.p50 / 1000,
    unit: "s",
    detail:
      `${count} photos of ${Math.min(...sizes).toFixed(1)}–${Math.max(...sizes).toFixed(1)} MB one at a time, p95 ${(thumbs.p95 / 1000).toFixed(2)} s; ` +
      `of which to the upload done (ingest job) p50 ${(ingests.p50 / 1000).toFixed(2)} / p95 ${(ingests.p95 / 1000).toFixed(2)} s; ` +
      `polled every ${pollMs} ms; two queue hops, each up to the consumer's 1 s batch timeout`,
  };
}
