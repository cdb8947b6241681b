import type { Deps } from "../deps";

/** The follow-up work an image gets after its upload, in this order: renditions, then analysis (which may read a rendition). */
export const imageJobKinds = ["renditions", "analysis"] as const;
type ImageJobKind = (typeof imageJobKinds)[number];

/**
 * What the queue carries, kept small (a message may hold 128 KB; this is under 100 bytes):
 * which work, for which image (or, for `ingest`, which direct upload to make an image of), and
 * which send this is (1 the first; a replay counts on). Everything else is read from the row when
 * the job runs, so a late delivery acts on today's state.
 */
export type JobMessage = { kind: ImageJobKind; imageId: string; attempt: number } | { kind: "ingest"; uploadId: string; attempt: number };

/** How one delivery of a job ended: finished (acknowledged), or to be delivered again after a delay. */
export type JobOutcome = { done: true } | { done: false; retryInMs: number };

export const jobDone: JobOutcome = { done: true };
export const retryJobIn = (retryInMs: number): JobOutcome => ({ done: false, retryInMs });

/**
 * Sends follow-up jobs. A send that fails (the queue unreachable) loses no work and fails no
 * answer: the row stays pending and the cron sweep, the safety net, picks it up.
 */
export async function sendJobs(deps: Pick<Deps, "jobs">, jobs: JobMessage[]) {
  if (jobs.length === 0) return;
  try {
    await deps.jobs.sendBatch(jobs.map((body) => ({ body, contentType: "json" as const })));
  } catch (error) {
    console.error("jobs not sent; the sweep will pick them up", jobs.map((job) => job.kind).join(","), error instanceof Error ? error.name : "error");
  }
}
