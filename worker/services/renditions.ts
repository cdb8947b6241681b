import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, type AnalysisStatus } from "../db/schema";
import { planRenditions } from "./images-input";
import { getObjectStream } from "./object-store";
import { RenditionError, type Rendition, renderRenditions } from "./render-renditions";
import { type ClaimedRendition as Claimed, complete, fenced, markUnsupported, showOriginal, store } from "./rendition-outcomes";
import { type JobOutcome, jobDone, retryJobIn, sendJobs } from "./send-jobs";

type RenditionDeps = Pick<Deps, "config" | "db" | "s3" | "images">;

/** Deliveries of one renditions job (the queue's max_retries + 1 in wrangler.toml): the row gives up with the queue. */
const maxAttempts = 5;
/** A 12 MP photo takes the binding a few seconds; past this, the attempt is presumed dead. */
const leaseMs = 2 * 60_000;
/** A new upload's renditions are its job's; the sweep leaves it alone this long (a burst's backlog drains well inside it). */
const uploadGraceMs = 5 * 60_000;
/** A dead-lettered job gets one more attempt from the sweep this much later. */
const deadLetterReplayMs = 60 * 60_000;
const minBackoffMs = 60_000;
const maxBackoffMs = 60 * 60_000;
/** How a claimed attempt ended: `retryInMs` when the failure is worth another delivery. */
interface Attempted {
  retryInMs?: number;
  analysisStatus: AnalysisStatus;
}

/**
 * What may be claimed at `at`, never while another attempt's lease runs: pending images,
 * failed ones whose retry is due. The sweep leaves a fresh upload's pending image to the
 * upload's own deferred work for a while, unless an attempt on it has already died.
 */
function claimable(at: string, by: "id" | "sweep") {
  const pending =
    by === "id"
      ? sql`${images.renditionsStatus} = 'pending'`
      : sql`${images.renditionsStatus} = 'pending' and (${images.renditionsLeaseUntil} is not null or ${images.createdAt} < ${at}::timestamptz - ${`${uploadGraceMs} milliseconds`}::interval)`;
  // A trashed image's objects are moving (or moved) under trash/: nothing is made for it.
  return sql`(
    ${images.deletedAt} is null and (${images.renditionsLeaseUntil} is null or ${images.renditionsLeaseUntil} < ${at}::timestamptz) and (
      (${pending})
      or (${images.renditionsStatus} = 'failed' and ${images.renditionsNextAttemptAt} <= ${at}::timestamptz and ${images.renditionsAttempts} < ${maxAttempts})
    )
  )`;
}

/**
 * Takes an image in one statement, so two workers never render it at once. The attempt
 * number it returns fences the outcome: an attempt whose lease was taken over cannot
 * overwrite the newer one's.
 */
async function claim(deps: RenditionDeps, id: string, now: Date, by: "id" | "sweep"): Promise<Claimed | undefined> {
  const [row] = await deps.db
    .update(images)
    .set({
      renditionsStatus: "pending",
      renditionsAttempts: sql`${images.renditionsAttempts} + 1`,
      renditionsLeaseUntil: new Date(now.getTime() + leaseMs),
    })
    .where(and(eq(images.id, id), claimable(now.toISOString(), by)))
    .returning({
      id: images.id,
      key: images.key,
      fileName: images.fileName,
      contentType: images.contentType,
      size: images.size,
      width: images.width,
      height: images.height,
      metadataStatus: images.metadataStatus,
      attempts: images.renditionsAttempts,
      analysisStatus: images.analysisStatus,
    });
  return row;
}

/**
 * Makes, stores and records both renditions of one image: one attempt, the original streamed
 * from the bucket into the binding. What the binding is configured not to read is settled
 * before (planRenditions): the original stands in, or the image is unsupported. A failure is
 * recorded with a retry time; a format the binding cannot read is final. Undefined: nothing to
 * claim (done, or another attempt holds it).
 */
async function makeRenditions(deps: RenditionDeps, id: string, now: Date, by: "id" | "sweep"): Promise<Attempted | undefined> {
  const claimed = await claim(deps, id, now, by);
  if (!claimed) return undefined;
  const plan = planRenditions(deps.config, claimed);
  if (plan.kind === "original") await showOriginal(deps, claimed);
  if (plan.kind === "unsupported") await markUnsupported(deps, claimed, plan.reason);
  if (plan.kind !== "render") return { analysisStatus: claimed.analysisStatus };
  let made: { display: Rendition; thumb: Rendition };
  try {
    made = await renderRenditions(deps.images, (await getObjectStream(deps, claimed.key)).body, claimed.contentType);
    await Promise.all([store(deps, claimed, "display", made.display), store(deps, claimed, "thumb", made.thumb)]);
  } catch (error) {
    return { retryInMs: await fail(deps, claimed, error, now), analysisStatus: claimed.analysisStatus };
  }
  await complete(deps, claimed, made);
  return { analysisStatus: claimed.analysisStatus };
}

/**
 * One delivery of a `renditions` job. Then the image's analysis job follows (it may read the
 * display rendition; it does not wait for a retry). A duplicate delivery finds nothing to claim
 * and changes nothing; one that arrives before a failure's due time is put back until then.
 */
export async function runRenditionsJob(deps: RenditionDeps & Pick<Deps, "jobs">, id: string, now = new Date()): Promise<JobOutcome> {
  const attempted = await makeRenditions(deps, id, now, "id");
  if (!attempted) return untilDue(deps, id, now);
  if (attempted.analysisStatus === "pending") await sendJobs(deps, [{ kind: "analysis", imageId: id, attempt: 1 }]);
  return attempted.retryInMs === undefined ? jobDone : retryJobIn(attempted.retryInMs);
}

async function untilDue(deps: RenditionDeps, id: string, now: Date): Promise<JobOutcome> {
  const [row] = await deps.db
    .select({ status: images.renditionsStatus, dueAt: images.renditionsNextAttemptAt })
    .from(images)
    .where(eq(images.id, id));
  return row?.status === "failed" && row.dueAt && row.dueAt > now ? retryJobIn(row.dueAt.getTime() - now.getTime()) : jobDone;
}

/**
 * The dead-letter queue's share: the job failed on every delivery. The row says so, and keeps one
 * more attempt for the sweep to replay an hour on (a quota or an outage may be over by then).
 */
export async function markRenditionsDeadLettered(deps: RenditionDeps, id: string, now = new Date()) {
  await deps.db
    .update(images)
    .set({
      renditionsStatus: "failed",
      renditionsError: "dead_lettered",
      renditionsAttempts: maxAttempts - 1,
      renditionsLeaseUntil: null,
      renditionsNextAttemptAt: new Date(now.getTime() + deadLetterReplayMs),
    })
    .where(
      and(
        eq(images.id, id),
        sql`${images.renditionsStatus} in ('pending', 'failed')`,
        sql`(${images.renditionsLeaseUntil} is null or ${images.renditionsLeaseUntil} < ${now.toISOString()}::timestamptz)`,
      ),
    );
}

/**
 * Failed with a due time while attempts remain; unsupported (or out of attempts) for good.
 * Answers the delay a retry should wait, whenever the failure is worth one: past the last
 * attempt too, so the queue's own count runs out and dead-letters the job.
 */
async function fail(deps: RenditionDeps, claimed: Claimed, error: unknown, now: Date): Promise<number | undefined> {
  const code = error instanceof RenditionError ? error.code : "storage_unavailable";
  if (code === "unsupported_format") {
    await markUnsupported(deps, claimed, code);
    return undefined;
  }
  const retry = claimed.attempts < maxAttempts;
  const delayMs = backoffMs(claimed.attempts);
  await deps.db
    .update(images)
    .set({
      renditionsStatus: "failed",
      renditionsError: code,
      renditionsLeaseUntil: null,
      renditionsNextAttemptAt: retry ? new Date(now.getTime() + delayMs) : null,
    })
    .where(fenced(claimed));
  return delayMs;
}

/** 1, 2, 4, 8 minutes… with jitter, capped at an hour. */
function backoffMs(attempt: number) {
  const base = Math.min(minBackoffMs * 2 ** (attempt - 1), maxBackoffMs);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * The sweep's share: images without renditions (all images from before renditions existed),
 * dead attempts and failures due for a retry, oldest first, two at a time.
 */
export async function makeDueRenditions(deps: RenditionDeps, now: Date, opts: { batch?: number; userId?: string } = {}) {
  const due = await deps.db
    .select({ id: images.id })
    .from(images)
    .where(and(claimable(now.toISOString(), "sweep"), opts.userId ? eq(images.userId, opts.userId) : undefined))
    .orderBy(images.createdAt)
    .limit(opts.batch ?? 6);
  const queue = due.map(({ id }) => id);
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) await makeRenditions(deps, id, now, "sweep");
  };
  await Promise.all([worker(), worker()]);
  return due.length;
}
