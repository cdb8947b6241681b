import type { BenchContext } from "../context";
import { type BenchUser, createUser, postImage } from "../client";
import { summarize, type Summary } from "../measure";
import { mib } from "../plan";
import { type ImageState, pipelineDeadlineMs, type TrackedUpload, watchUntilDone } from "../pipeline";
import { randomPng } from "../png";

/** Clients sharing one account: the burst is many devices, the polling one listing per account. */
const clientsPerUser = 10;
/** The pause between polling rounds; a round adds its own listings' time (reported as the resolution). */
const pollPauseMs = 250;

export interface BurstResult {
  clients: number;
  uploadsPerClient: number;
  users: number;
  imageBytes: number;
  uploads: number;
  /** Upload answers ≥ 500, then answers that were neither 201 nor 5xx, and requests with no answer at all. */
  serverErrors: number;
  otherStatuses: number;
  noAnswer: number;
  /** Answered 201 but absent from the owner's listing. */
  lost: number;
  /** Listed, but settled short of done (renditions or analysis failed for good), or still under way at the deadline. */
  failed: number;
  unfinished: number;
  listingServerErrors: number;
  /** From the first upload sent to the last thumbnail seen, and to the last image seen done. */
  lastThumbnailS?: number;
  lastDoneS?: number;
  /** Per image, from its upload's answer to the poll that saw it done. */
  answerToDone?: Summary;
  pollResolutionMs: number;
  deadlineS: number;
}

/**
 * B1: a burst of uploads and what follows them. `clients` clients at once, each uploading
 * `uploadsPerClient` fresh ~1 MiB PNGs one after another through wrangler dev's proxy, as a browser
 * would; then every image followed until its renditions and its analysis are done (3 minutes at
 * most). Fails on any 5xx, lost upload or image not done in time.
 */
export async function measureBurst(ctx: BenchContext): Promise<{ result: BurstResult; failures: string[] }> {
  const { clients, uploadsPerClient } = ctx.plan.burst;
  const userCount = Math.ceil(clients / clientsPerUser);
  ctx.log(`B1 burst: ${clients} clients × ${uploadsPerClient} uploads of 1 MiB${ctx.plan.quick ? " (quick: a smaller burst; the full run sends 100 × 2)" : ""}, ${userCount} accounts`);
  const users: BenchUser[] = [];
  for (let i = 0; i < userCount; i++) users.push(await createUser(ctx.workerUrl));
  const pngs = Array.from({ length: clients * uploadsPerClient }, () => randomPng(mib));

  const tracked: TrackedUpload[] = [];
  const counts = { serverErrors: 0, otherStatuses: 0, noAnswer: 0 };
  let firstFailure: string | undefined;
  const startedAt = performance.now();
  const uploads = Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const { token } = users[client % userCount];
      for (let n = 0; n < uploadsPerClient; n++) {
        const bytes = pngs[client * uploadsPerClient + n];
        const answer = await postImage(ctx.workerUrl, token, { bytes, type: "image/png", name: `burst-${client}-${n}.png` }).catch((error: unknown) => error as Error);
        const answeredAt = performance.now();
        if (answer instanceof Error) {
          counts.noAnswer++;
          firstFailure ??= `no answer: ${answer.message}`;
        } else if (answer.status === 201) {
          tracked.push({ id: (JSON.parse(answer.text) as { image: { id: string } }).image.id, token, answeredAt });
        } else {
          counts[answer.status >= 500 ? "serverErrors" : "otherStatuses"]++;
          firstFailure ??= `${answer.status}: ${answer.text.slice(0, 200)}`;
        }
      }
    }),
  ).then(() => ctx.log(`B1: ${tracked.length} of ${pngs.length} answered 201 in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`));
  // Followed from the start, so an image answered early is not timed from the burst's end.
  const watched = await watchUntilDone(ctx.workerUrl, tracked, { from: startedAt, pauseMs: pollPauseMs, uploadsAnswered: uploads });
  await uploads;
  const followed = [...watched.followed.values()];
  const thumbs = followed.flatMap((f) => (f.thumbAt === undefined ? [] : [f.thumbAt]));
  const dones = followed.flatMap((f) => (f.doneAt === undefined ? [] : [f.doneAt]));
  const latencies = tracked.flatMap((t) => {
    const doneAt = watched.followed.get(t.id)?.doneAt;
    return doneAt === undefined ? [] : [doneAt - t.answeredAt];
  });
  const result: BurstResult = {
    clients,
    uploadsPerClient,
    users: userCount,
    imageBytes: mib,
    uploads: pngs.length,
    ...counts,
    lost: watched.lost.length,
    failed: watched.failed.length,
    unfinished: watched.unfinished.length,
    listingServerErrors: watched.pollFailures.serverErrors,
    lastThumbnailS: thumbs.length ? (Math.max(...thumbs) - startedAt) / 1000 : undefined,
    lastDoneS: dones.length ? (Math.max(...dones) - startedAt) / 1000 : undefined,
    answerToDone: latencies.length ? summarize(latencies) : undefined,
    pollResolutionMs: watched.resolutionMs,
    deadlineS: pipelineDeadlineMs / 1000,
  };

  const failures: string[] = [];
  if (counts.serverErrors) failures.push(`${counts.serverErrors} uploads answered 5xx`);
  if (counts.otherStatuses || counts.noAnswer) failures.push(`${counts.otherStatuses} uploads answered neither 201 nor 5xx, ${counts.noAnswer} got no answer`);
  if (firstFailure) ctx.log(`B1: first failed upload: ${firstFailure}`);
  if (watched.lost.length) failures.push(`${watched.lost.length} uploads answered 201 but are not listed (${watched.lost.slice(0, 3).join(", ")})`);
  const sample = (images: ImageState[]) => images.slice(0, 3).map((i) => `${i.id}: renditions ${i.renditions_status}, analysis ${i.analysis_status}`).join("; ");
  if (watched.failed.length) failures.push(`${watched.failed.length} images settled without renditions and analysis done (${sample(watched.failed)})`);
  if (watched.unfinished.length) failures.push(`${watched.unfinished.length} images still under way after ${pipelineDeadlineMs / 1000} s (${sample(watched.unfinished)})`);
  if (watched.pollFailures.serverErrors) failures.push(`${watched.pollFailures.serverErrors} listings answered 5xx while polling (${watched.pollFailures.first})`);
  ctx.log(`B1: ${describeBurst(result)}`);
  return { result, failures: failures.map((f) => `B1 burst: ${f}`) };
}

/** One line for the log. */
function describeBurst(b: BurstResult): string {
  const seconds = (s?: number) => (s === undefined ? "never" : `${s.toFixed(1)} s`);
  const latency = b.answerToDone ? `p50 ${(b.answerToDone.p50 / 1000).toFixed(1)} / p95 ${(b.answerToDone.p95 / 1000).toFixed(1)} s (n=${b.answerToDone.n})` : "none done";
  return (
    `${b.uploads} uploads: ${b.serverErrors} 5xx, ${b.otherStatuses + b.noAnswer} other failures, ${b.lost} lost, ${b.failed} failed, ${b.unfinished} not done in ${b.deadlineS} s; ` +
    `last thumbnail ${seconds(b.lastThumbnailS)} and last done ${seconds(b.lastDoneS)} after the burst began; ` +
    `answer → done ${latency}, polled every ~${Math.round(b.pollResolutionMs)} ms`
  );
}
