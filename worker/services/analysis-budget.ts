import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, type Image } from "../db/schema";
import { ownerAllowsAi } from "./analysis";

/** How often the owner may send one image to the model again: each re-analysis is a paid call with the whole image. */
export const reanalysisBudget = { perImage: 5, windowSeconds: 24 * 60 * 60 } as const;

/** Seconds until the image may be re-analysed again; 0 while its budget lasts. */
export function reanalysisWaitSeconds(image: Pick<Image, "reanalyses" | "reanalysesWindowStart">, now = Date.now()): number {
  if (!image.reanalysesWindowStart || image.reanalyses < reanalysisBudget.perImage) return 0;
  const windowEnd = image.reanalysesWindowStart.getTime() + reanalysisBudget.windowSeconds * 1000;
  return Math.max(0, Math.ceil((windowEnd - now) / 1000));
}

const reanalysisWindowOver = sql`(${images.reanalysesWindowStart} is null or ${images.reanalysesWindowStart} <= now() - make_interval(secs => ${reanalysisBudget.windowSeconds}::int))`;
/** The image's daily budget has a re-analysis left, as the statement finds the row. */
const reanalysisLeft = sql`(${reanalysisWindowOver} or ${images.reanalyses} < ${reanalysisBudget.perImage}::int)`;
/** One more re-analysis in the image's window, or the first of a new window. */
const countedReanalysis = {
  reanalyses: sql`case when ${reanalysisWindowOver} then 1 else ${images.reanalyses} + 1 end`,
  reanalysesWindowStart: sql`case when ${reanalysisWindowOver} then now() else ${images.reanalysesWindowStart} end`,
};

/**
 * Columns that make an image pending only if its daily budget has a re-analysis left, counting it;
 * otherwise it stays `skipped` with `analysis_limit`. Decided in the statement that writes them,
 * as resetAnalysis does, so parallel requests cannot exceed the budget.
 */
export const pendingIfBudgetLeft = () => ({
  analysisStatus: sql`case when ${reanalysisLeft} then 'pending' else 'skipped' end`,
  analysisError: sql`case when ${reanalysisLeft} then null else 'analysis_limit' end`,
  reanalyses: sql`case when ${reanalysisLeft} then ${countedReanalysis.reanalyses} else ${images.reanalyses} end`,
  reanalysesWindowStart: sql`case when ${reanalysisLeft} then ${countedReanalysis.reanalysesWindowStart} else ${images.reanalysesWindowStart} end`,
});

/**
 * Back to pending for a fresh start (re-analysis): a new attempt budget and no old error.
 * Counted against the image's daily budget in the same statement, so parallel requests cannot exceed it.
 */
export async function resetAnalysis(deps: Pick<Deps, "db">, userId: string, id: string) {
  const [row] = await deps.db
    .update(images)
    .set({
      analysisStatus: "pending",
      analysisAttempts: 0,
      analysisError: null,
      nextAttemptAt: null,
      leaseUntil: null,
      editedByUser: false,
      ...countedReanalysis,
    })
    .where(
      and(
        eq(images.id, id),
        eq(images.userId, userId),
        eq(images.noAi, false),
        isNull(images.deletedAt),
        ownerAllowsAi,
        inArray(images.analysisStatus, ["pending", "done", "failed", "skipped"]),
        reanalysisLeft,
      ),
    )
    .returning({ id: images.id });
  return row !== undefined;
}
