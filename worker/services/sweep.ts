import type { Deps } from "../deps";
import { analyzeDueImages } from "./analysis";
import { removeOrphanObjects, retryPendingDeletions } from "./object-cleanup";

/** The cron entry point: each task runs even if another fails, and reports what it did. */
export async function runScheduledSweep(deps: Deps, now: Date) {
  const tasks = {
    analysis: () => (deps.config.GEMINI_API_KEY ? analyzeDueImages(deps, now) : Promise.resolve(0)),
    pendingDeletions: () => retryPendingDeletions(deps),
    orphanObjects: () => removeOrphanObjects(deps, now),
  };
  const report: Record<string, number | string> = {};
  for (const [name, task] of Object.entries(tasks)) {
    try {
      report[name] = await task();
    } catch (error) {
      report[name] = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  console.log("sweep", JSON.stringify(report));
  return report;
}
