import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, users } from "../db/schema";
import { AnalysisError, analysisPromptHash, analyzeWithGemini } from "./gemini";
import { type AnalysisSource, analysisCopy } from "./analysis-copy";
import { type JobOutcome, jobDone, retryJobIn } from "./send-jobs";

type AnalysisDeps = Pick<Deps, "config" | "db" | "s3" | "images">;

/** Deliveries of one analysis job (the queue's max_retries + 1 in wrangler.toml): the row gives up with the queue. */
const maxAttempts = 5;
/** Attempts one synchronous run (the sweep, the original GET /images/analyze/:id) may make. */
const attemptsPerRun = 3;
const leaseMs = 60_000;
/** A synchronous run stays well inside a request's time. */
const runDeadlineMs = 25_000;
const maxBackoffMs = 10 * 60_000;
/** A dead-lettered job gets one more attempt from the sweep this much later. */
const deadLetterReplayMs = 60 * 60_000;
interface Claimed extends AnalysisSource {
  id: string;
  attempts: number;
}

/**
 * Takes an image for analysis in one statement, so two workers never analyse the same
 * image: pending ones, processing ones whose lease ran out, failed ones whose retry is due.
 * The attempt count it returns fences the result: a worker whose lease was taken over
 * cannot overwrite the newer attempt.
 */
async function claimImage(deps: AnalysisDeps, id: string, now: Date): Promise<Claimed | undefined> {
  const at = now.toISOString();
  const [row] = await deps.db
    .update(images)
    .set({
      analysisStatus: "processing",
      analysisAttempts: sql`${images.analysisAttempts} + 1`,
      leaseUntil: new Date(now.getTime() + leaseMs),
    })
    .where(and(eq(images.id, id), claimable(at)))
    .returning({
      id: images.id,
      key: images.key,
      contentType: images.contentType,
      size: images.size,
      width: images.width,
      height: images.height,
      displayKey: images.displayKey,
      displaySize: images.displaySize,
      displayWidth: images.displayWidth,
      displayHeight: images.displayHeight,
      attempts: images.analysisAttempts,
    });
  return row;
}

/** The owner's account-wide "never send to AI", checked in the statement that claims or resets. */
export const ownerAllowsAi = sql`not exists (select 1 from ${users} where ${users.id} = ${images.userId} and ${users.neverSendToAi})`;

/** Images kept from the AI, by their own flag or their owner's account, are never claimable, whichever path asks. */
function claimable(at: string) {
  return sql`(
    ${images.noAi} = false and ${images.deletedAt} is null and ${ownerAllowsAi} and (
      ${images.analysisStatus} = 'pending'
      or (${images.analysisStatus} = 'processing' and ${images.leaseUntil} < ${at}::timestamptz)
      or (${images.analysisStatus} = 'failed' and ${images.nextAttemptAt} <= ${at}::timestamptz and ${images.analysisAttempts} < ${maxAttempts})
    )
  )`;
}

async function complete(deps: AnalysisDeps, claimed: Claimed, result: Awaited<ReturnType<typeof analyzeWithGemini>>) {
  await deps.db
    .update(images)
    .set({
      analysisStatus: "done",
      // An owner who edited while the model was working keeps their words; the AI fills the rest.
      description: sql`case when ${images.editedByUser} and ${images.description} is not null then ${images.description} else ${result.description} end`,
      altText: sql`case when ${images.editedByUser} and ${images.altText} is not null then ${images.altText} else ${result.altText} end`,
      tags: sql`case when ${images.editedByUser} and cardinality(${images.tags}) > 0 then ${images.tags} else ${sql.param(result.tags)}::text[] end`,
      extractedText: result.extractedText,
      model: result.model,
      promptHash: analysisPromptHash,
      analyzedAt: sql`now()`,
      analysisError: null,
      leaseUntil: null,
      nextAttemptAt: null,
    })
    .where(fenced(claimed));
}

/**
 * Failed with a due time while retries remain; failed for good otherwise (next_attempt_at null).
 * Answers the delay before another attempt whenever the failure is worth one (Retry-After
 * honoured): past the last attempt too, so the queue's own count runs out and dead-letters the job.
 */
async function fail(deps: AnalysisDeps, claimed: Claimed, error: AnalysisError, now: Date): Promise<number | undefined> {
  const retry = error.retryable && claimed.attempts < maxAttempts;
  const delayMs = Math.min(error.retryAfterMs ?? backoffMs(claimed.attempts), maxBackoffMs);
  await deps.db
    .update(images)
    .set({
      analysisStatus: "failed",
      analysisError: error.code,
      leaseUntil: null,
      nextAttemptAt: retry ? new Date(now.getTime() + delayMs) : null,
    })
    .where(fenced(claimed));
  return error.retryable ? delayMs : undefined;
}

const fenced = (claimed: Claimed) =>
  and(eq(images.id, claimed.id), eq(images.analysisStatus, "processing"), eq(images.analysisAttempts, claimed.attempts));

/** 1 s, 2 s, 4 s … with jitter, so a burst of failures does not retry in lockstep. */
function backoffMs(attempt: number) {
  const base = 1000 * 2 ** (attempt - 1);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** How a claimed attempt ended: `retryInMs` when the failure is worth another; `lastAttempt` when the row has none left. */
interface Attempted {
  retryInMs?: number;
  lastAttempt: boolean;
}

/** One attempt: claim, read a copy of at most `analysisMaxSide` px, ask Gemini, record. Undefined: nothing to claim. */
async function analyzeOnce(deps: AnalysisDeps, id: string, now: () => Date): Promise<Attempted | undefined> {
  const claimed = await claimImage(deps, id, now());
  if (!claimed) return undefined;
  try {
    await complete(deps, claimed, await analyzeWithGemini(deps.config, await analysisCopy(deps, claimed)));
    return { lastAttempt: false };
  } catch (error) {
    const failure = error instanceof AnalysisError ? error : new AnalysisError("upstream_error", "Analysis failed", true, undefined, { cause: error });
    // The due time counts from the failure (a Retry-After is "from this answer"), not from the claim.
    return { retryInMs: await fail(deps, claimed, failure, now()), lastAttempt: claimed.attempts >= maxAttempts };
  }
}

/**
 * Analyses one image in the caller's own time (the sweep, the original GET /images/analyze/:id):
 * up to `attemptsPerRun` attempts, honouring Retry-After, inside a total deadline. Whatever is
 * left is due again on the row.
 */
export async function runAnalysis(deps: AnalysisDeps, id: string, opts: { now?: () => Date; deadlineMs?: number } = {}) {
  const now = opts.now ?? (() => new Date());
  const deadline = Date.now() + (opts.deadlineMs ?? runDeadlineMs);
  for (let attempt = 1; attempt <= attemptsPerRun; attempt++) {
    const attempted = await analyzeOnce(deps, id, now);
    const waitMs = attempted?.retryInMs;
    if (waitMs === undefined || attempted?.lastAttempt || attempt === attemptsPerRun || Date.now() + waitMs + 1000 > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/**
 * One delivery of an `analysis` job: one attempt, and the delay before the next when it failed
 * in a way worth retrying. A duplicate delivery finds nothing to claim and changes nothing;
 * one that arrives before a failure's due time is put back until then.
 */
export async function runAnalysisJob(deps: AnalysisDeps, id: string): Promise<JobOutcome> {
  const attempted = await analyzeOnce(deps, id, () => new Date());
  if (attempted) return attempted.retryInMs === undefined ? jobDone : retryJobIn(attempted.retryInMs);
  const now = new Date();
  const [row] = await deps.db.select({ status: images.analysisStatus, dueAt: images.nextAttemptAt }).from(images).where(eq(images.id, id));
  return row?.status === "failed" && row.dueAt && row.dueAt > now ? retryJobIn(row.dueAt.getTime() - now.getTime()) : jobDone;
}

/**
 * The dead-letter queue's share: the job failed on every delivery. The row says so, and keeps one
 * more attempt for the sweep to replay an hour on (a quota or an outage may be over by then).
 */
export async function markAnalysisDeadLettered(deps: AnalysisDeps, id: string, now = new Date()) {
  await deps.db
    .update(images)
    .set({
      analysisStatus: "failed",
      analysisError: "dead_lettered",
      analysisAttempts: maxAttempts - 1,
      leaseUntil: null,
      nextAttemptAt: new Date(now.getTime() + deadLetterReplayMs),
    })
    .where(
      and(
        eq(images.id, id),
        eq(images.noAi, false),
        sql`(${images.analysisStatus} in ('pending', 'failed') or (${images.analysisStatus} = 'processing' and ${images.leaseUntil} < ${now.toISOString()}::timestamptz))`,
      ),
    );
}

/** The sweep's share: a small batch of due images, each claimed atomically by whoever gets there first. */
export async function analyzeDueImages(deps: AnalysisDeps, now: Date, opts: { batch?: number; userId?: string } = {}) {
  const due = await deps.db
    .select({ id: images.id })
    .from(images)
    .where(and(claimable(now.toISOString()), opts.userId ? eq(images.userId, opts.userId) : undefined))
    .orderBy(images.createdAt)
    .limit(opts.batch ?? 5);
  await Promise.all(due.map(({ id }) => runAnalysis(deps, id, { now: () => now })));
  return due.length;
}
