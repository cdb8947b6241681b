import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import worker from "../index";
import { updateImage } from "../services/image-edits";
import { app, bearer, newSignedInUser, testDeps } from "./helpers";
import { sha256Hex } from "./image-helpers";
import { makePng } from "./images";
import { renditionsReach } from "./rendition-helpers";

/**
 * Delivers messages to the worker's queue() as the queue would (with other bindings when
 * given), and answers what it acknowledged and retried; `delays` holds the delay each retry
 * asked for (getQueueResult does not keep it). Restore the spies with vi.restoreAllMocks().
 */
export async function deliver(queue: string, jobs: unknown[], opts: { attempts?: number; bindings?: Env } = {}) {
  const batch = createMessageBatch<unknown>(
    queue,
    jobs.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: opts.attempts ?? 1, body })),
  );
  const delays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    vi.spyOn(message, "retry").mockImplementation((options) => {
      delays.push(options?.delaySeconds);
      retry(options);
    });
  }
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, opts.bindings ?? env);
  const result = await getQueueResult(batch, ctx);
  return { ids: batch.messages.map((m) => m.id), result, delays };
}

/** Uploads `bytes` kept from the AI (`no_ai`): its analysis is skipped, its renditions job runs. Answers its id. */
export async function uploadKeptFromAi(token: string, bytes: Uint8Array): Promise<string> {
  const form = new FormData();
  form.append("image", new File([bytes], "held.png"));
  form.append("no_ai", "true");
  const res = await app("/images/upload", { method: "POST", headers: bearer(token), body: form });
  const { image } = await res.json<{ image: { id: string; analysis_status: string } }>();
  if (res.status !== 201 || image.analysis_status !== "skipped") throw new Error(`upload kept from the AI: ${res.status} ${image.analysis_status}`);
  return image.id;
}

/**
 * An image whose analysis is pending with no message sent for it: uploaded kept from the AI,
 * then allowed again the way a bulk change does it (no job). The test delivers its jobs itself.
 */
export async function imageAwaitingAnalysis(rgb: [number, number, number] = [96, 128, 56]) {
  const { user, accessToken } = await newSignedInUser();
  const bytes = await makePng(30, 18, rgb);
  const id = await uploadKeptFromAi(accessToken, bytes);
  await renditionsReach(accessToken, id, ["done"]);
  await updateImage(testDeps(), { id: user.id, neverSendToAi: false }, id, { no_ai: false }, async () => undefined, { analyseNow: false });
  return { user, accessToken, id, sha256: await sha256Hex(bytes) };
}
