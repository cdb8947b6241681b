import type { Deps } from "../deps";

/** The cron entry point: later issues add analysis retries and orphan clean-up here. */
export async function runScheduledSweep(_deps: Deps, _now: Date): Promise<{ tasks: string[] }> {
  return { tasks: [] };
}
