import { and, eq, inArray, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, users, type Image } from "../db/schema";
import { AnalysisError, analysisPromptHash, analyzeWithGemini } from "./gemini";
import { getObjectBytes } from "./object-store";

type AnalysisDeps = Pick<Deps, "config" | "db" | "s3">;

const maxAttempts = 5;
/** Attempts one request's waitUntil may make before leaving the rest to the sweep. */
const attemptsPerRun = 3;
const leaseMs = 60_000;
/** waitUntil may run 30 s past the response; stay well inside it. */
const runDeadlineMs = 25_000;
const maxBackoffMs = 10 * 60_000;

interface Claimed {
  id: string;
  key: string;
  contentType: string;
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
    .returning({ id: images.id, key: images.key, contentType: images.contentType, attempts: images.analysisAttempts });
  return row;
}

/** The owner's account-wide "never send to AI", checked in the statement that claims or resets. */
const ownerAllowsAi = sql`not exists (select 1 from ${users} where ${users.id} = ${images.userId} and ${users.neverSendToAi})`;

/** Images kept from the AI, by their own flag or their owner's account, are never claimable, whichever path asks. */
function claimable(at: string) {
  return sql`(
    ${images.noAi} = false and ${ownerAllowsAi} and (
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

/** Failed with a due time while retries remain; failed for good otherwise (next_attempt_at null). */
async function fail(deps: AnalysisDeps, claimed: Claimed, error: AnalysisError, now: Date) {
  const retry = error.retryable && claimed.attempts < maxAttempts;
  const delay = retry ? (error.retryAfterMs ?? backoffMs(claimed.attempts)) : 0;
  await deps.db
    .update(images)
    .set({
      analysisStatus: "failed",
      analysisError: error.code,
      leaseUntil: null,
      nextAttemptAt: retry ? new Date(now.getTime() + Math.min(delay, maxBackoffMs)) : null,
    })
    .where(fenced(claimed));
  return retry ? Math.min(delay, maxBackoffMs) : undefined;
}

const fenced = (claimed: Claimed) =>
  and(eq(images.id, claimed.id), eq(images.analysisStatus, "processing"), eq(images.analysisAttempts, claimed.attempts));

/** 1 s, 2 s, 4 s … with jitter, so a burst of failures does not retry in lockstep. */
function backoffMs(attempt: number) {
  const base = 1000 * 2 ** (attempt - 1);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * Analyses one image: up to `attemptsPerRun` attempts, honouring Retry-After, inside
 * a total deadline. Whatever is left (or a crash) is picked up by the sweep. `bytes`, when
 * the caller still holds the stored object, spares the first attempt its download.
 */
export async function runAnalysis(
  deps: AnalysisDeps,
  id: string,
  opts: { now?: () => Date; deadlineMs?: number; bytes?: Uint8Array } = {},
) {
  const now = opts.now ?? (() => new Date());
  const deadline = Date.now() + (opts.deadlineMs ?? runDeadlineMs);
  let held = opts.bytes;
  for (let attempt = 1; attempt <= attemptsPerRun; attempt++) {
    const claimed = await claimImage(deps, id, now());
    if (!claimed) return;
    let waitMs: number | undefined;
    try {
      const bytes = held ?? (await readStored(deps, claimed.key));
      await complete(deps, claimed, await analyzeWithGemini(deps.config, { bytes, contentType: claimed.contentType }));
      return;
    } catch (error) {
      const failure = error instanceof AnalysisError ? error : new AnalysisError("upstream_error", "Analysis failed", true, undefined, { cause: error });
      waitMs = await fail(deps, claimed, failure, now());
    }
    // A retry may wait seconds: let go of a large image meanwhile and read it again if needed.
    held = undefined;
    if (waitMs === undefined || attempt === attemptsPerRun || Date.now() + waitMs + 1000 > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

function readStored(deps: AnalysisDeps, key: string) {
  return getObjectBytes(deps, key).catch((error: unknown) => {
    throw new AnalysisError("upstream_error", "The image could not be read from storage", true, undefined, { cause: error });
  });
}

/** For deferred work: a failure here (say, the database is down) is the sweep's to retry, not an unhandled rejection. */
export function analyzeInBackground(deps: AnalysisDeps, id: string, bytes?: Uint8Array): Promise<void> {
  return runAnalysis(deps, id, { bytes }).catch((error: unknown) => {
    console.error("background analysis stopped; the sweep will retry", id, error instanceof Error ? error.name : "error");
  });
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

/** How often the owner may send one image to the model again: each re-analysis is a paid call with the whole image. */
export const reanalysisBudget = { perImage: 5, windowSeconds: 24 * 60 * 60 } as const;

/** Seconds until the image may be re-analysed again; 0 while its budget lasts. */
export function reanalysisWaitSeconds(image: Pick<Image, "reanalyses" | "reanalysesWindowStart">, now = Date.now()): number {
  if (!image.reanalysesWindowStart || image.reanalyses < reanalysisBudget.perImage) return 0;
  const windowEnd = image.reanalysesWindowStart.getTime() + reanalysisBudget.windowSeconds * 1000;
  return Math.max(0, Math.ceil((windowEnd - now) / 1000));
}

const reanalysisWindowOver = sql`(${images.reanalysesWindowStart} is null or ${images.reanalysesWindowStart} <= now() - make_interval(secs => ${reanalysisBudget.windowSeconds}::int))`;

/**
 * Back to pending for a fresh start (re-analysis): a new attempt budget and no old error.
 * Counted against the image's daily budget in the same statement, so parallel requests cannot exceed it.
 */
export async function resetAnalysis(deps: AnalysisDeps, userId: string, id: string) {
  const [row] = await deps.db
    .update(images)
    .set({
      analysisStatus: "pending",
      analysisAttempts: 0,
      analysisError: null,
      nextAttemptAt: null,
      leaseUntil: null,
      editedByUser: false,
      reanalyses: sql`case when ${reanalysisWindowOver} then 1 else ${images.reanalyses} + 1 end`,
      reanalysesWindowStart: sql`case when ${reanalysisWindowOver} then now() else ${images.reanalysesWindowStart} end`,
    })
    .where(
      and(
        eq(images.id, id),
        eq(images.userId, userId),
        eq(images.noAi, false),
        ownerAllowsAi,
        inArray(images.analysisStatus, ["pending", "done", "failed", "skipped"]),
        sql`(${reanalysisWindowOver} or ${images.reanalyses} < ${reanalysisBudget.perImage}::int)`,
      ),
    )
    .returning({ id: images.id });
  return row !== undefined;
}
