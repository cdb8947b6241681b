import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, type AnalysisStatus, type MetadataStatus } from "../db/schema";
import { planRenditions } from "./images-input";
import { deleteObjectOrQueue } from "./object-cleanup";
import { getObjectStream, putObject } from "./object-store";
import { RenditionError, type Rendition, renderRenditions } from "./render-renditions";
import { type RenditionKind, renditionKey } from "./rendition-keys";
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
/** Renditions are immutable under their key: browsers may keep them as long as they like. */
const renditionCacheControl = "private, max-age=31536000, immutable";

interface Claimed {
  id: string;
  key: string;
  fileName: string;
  contentType: string;
  size: number;
  width: number;
  height: number;
  metadataStatus: MetadataStatus | null;
  attempts: number;
  analysisStatus: AnalysisStatus;
}

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
  return sql`(
    (${images.renditionsLeaseUntil} is null or ${images.renditionsLeaseUntil} < ${at}::timestamptz) and (
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

const fenced = (claimed: Claimed) =>
  and(eq(images.id, claimed.id), eq(images.renditionsStatus, "pending"), eq(images.renditionsAttempts, claimed.attempts));

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

function store(deps: RenditionDeps, claimed: Claimed, kind: RenditionKind, rendition: Rendition) {
  return crypto.subtle.digest("SHA-256", rendition.bytes).then((digest) =>
    putObject(deps, renditionKey(claimed.key, kind), rendition.bytes, {
      contentType: "image/webp",
      fileName: `${claimed.fileName.replace(/\.[^.]*$/, "")}.webp`,
      sha256Hex: Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""),
      cacheControl: renditionCacheControl,
    }),
  );
}

async function complete(deps: RenditionDeps, claimed: Claimed, made: { display: Rendition; thumb: Rendition }) {
  const { display, thumb } = made;
  // Rows from before renditions hold the stored size; the display rendition shows how it is turned.
  const turned = (claimed.width - claimed.height) * (display.width - display.height) < 0;
  const [row] = await deps.db
    .update(images)
    .set({
      renditionsStatus: "done",
      renditionsError: null,
      renditionsLeaseUntil: null,
      renditionsNextAttemptAt: null,
      thumbKey: renditionKey(claimed.key, "thumb"),
      thumbSize: thumb.bytes.length,
      thumbWidth: thumb.width,
      thumbHeight: thumb.height,
      displayKey: renditionKey(claimed.key, "display"),
      displaySize: display.bytes.length,
      displayWidth: display.width,
      displayHeight: display.height,
      ...(turned ? { width: claimed.height, height: claimed.width } : {}),
    })
    .where(fenced(claimed))
    .returning({ id: images.id });
  if (row) return;
  // Deleted while we worked: what we just stored belongs to nobody. (Taken over instead: the
  // newer attempt writes the same keys.)
  const [stillThere] = await deps.db.select({ id: images.id }).from(images).where(eq(images.id, claimed.id));
  if (!stillThere) {
    await Promise.all((["thumb", "display"] as const).map((kind) => deleteObjectOrQueue(deps, renditionKey(claimed.key, kind))));
  }
}

/**
 * The stored original as the display copy and the thumb, for a format browsers show that the
 * binding does not read: upload stripped it already (planRenditions never picks one that kept
 * its metadata). Nothing is made or stored, so a deletion has nothing more to remove.
 */
async function showOriginal(deps: RenditionDeps, claimed: Claimed) {
  const { key, size, width, height } = claimed;
  await deps.db
    .update(images)
    .set({
      renditionsStatus: "done",
      renditionsError: null,
      renditionsLeaseUntil: null,
      renditionsNextAttemptAt: null,
      thumbKey: key,
      thumbSize: size,
      thumbWidth: width,
      thumbHeight: height,
      displayKey: key,
      displaySize: size,
      displayWidth: width,
      displayHeight: height,
    })
    .where(fenced(claimed));
}

/** Unsupported for good, with the reason (a code): never retried. */
async function markUnsupported(deps: RenditionDeps, claimed: Claimed, reason: string) {
  await deps.db
    .update(images)
    .set({ renditionsStatus: "unsupported", renditionsError: reason, renditionsLeaseUntil: null, renditionsNextAttemptAt: null })
    .where(fenced(claimed));
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
