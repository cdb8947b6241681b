import type { Deps } from "../deps";
import { neonDbError } from "../lib/db-errors";
import { analyzeDueImages } from "./analysis";
import { sweepDirectUploads } from "./direct-uploads";
import { sweepLoginThrottles } from "./login-throttle";
import { removeOrphanObjects, retryPendingDeletions } from "./object-cleanup";
import { renditionsPrefix } from "./rendition-keys";
import { makeDueRenditions } from "./renditions";
import { finishUnfinishedTrashMoves, purgeExpiredTrash } from "./trash";
import { trashPrefix } from "./trash-objects";

/** The cron entry point: each task runs even if another fails, and reports what it did. */
export async function runScheduledSweep(deps: Deps, now: Date) {
  const tasks = {
    analysis: () => (deps.config.GEMINI_API_KEY ? analyzeDueImages(deps, now) : Promise.resolve(0)),
    renditions: () => makeDueRenditions(deps, now),
    pendingDeletions: () => retryPendingDeletions(deps),
    orphanObjects: () => removeOrphanObjects(deps, now),
    loginThrottles: () => sweepLoginThrottles(deps),
    orphanRenditions: () => removeOrphanObjects(deps, now, renditionsPrefix),
    directUploads: () => sweepDirectUploads(deps, now),
    trashMoves: () => finishUnfinishedTrashMoves(deps, now),
    trashPurge: () => purgeExpiredTrash(deps, now),
    orphanTrash: () => removeOrphanObjects(deps, now, trashPrefix),
  };
  const report: Record<string, number | string> = {};
  for (const [name, task] of Object.entries(tasks)) {
    try {
      report[name] = await task();
    } catch (error) {
      // Only the driver's error: drizzle's wrapper message lists the query's parameters.
      const dbError = neonDbError(error);
      report[name] = `failed: ${dbError ? `${dbError.name} ${String(dbError.code ?? "-")}` : error instanceof Error ? error.name : "error"}`;
    }
  }
  console.log("sweep", JSON.stringify(report));
  return report;
}
