import * as v from "valibot";
import { buildDeps, type Deps } from "../deps";
import { markAnalysisDeadLettered, runAnalysisJob } from "../services/analysis";
import { markIngestDeadLettered, runIngestJob } from "../services/direct-ingest";
import { markRenditionsDeadLettered, runRenditionsJob } from "../services/renditions";
import { type JobMessage, type JobOutcome, imageJobKinds } from "../services/send-jobs";

/** The dead-letter queue of wrangler.toml's job consumer: its messages failed on every delivery. */
export const deadLetterQueue = "eis-jobs-dead";

/** Queues take delays of at most 12 hours. */
const maxDelaySeconds = 12 * 60 * 60;

const id = v.pipe(v.string(), v.uuid());
const attempt = v.pipe(v.number(), v.integer(), v.minValue(1));
const jobMessage = v.variant("kind", [
  v.object({ kind: v.picklist(imageJobKinds), imageId: id, attempt }),
  v.object({ kind: v.literal("ingest"), uploadId: id, attempt }),
]);

/** Each kind is one service call: a job turns a message into it, as a route turns a request into one. */
function run(deps: Deps, job: JobMessage): Promise<JobOutcome> {
  switch (job.kind) {
    case "ingest":
      return runIngestJob(deps, job.uploadId);
    case "renditions":
      return runRenditionsJob(deps, job.imageId);
    case "analysis":
      return runAnalysisJob(deps, job.imageId);
  }
}

function markDeadLettered(deps: Deps, job: JobMessage): Promise<void> {
  switch (job.kind) {
    case "ingest":
      return markIngestDeadLettered(deps, job.uploadId);
    case "renditions":
      return markRenditionsDeadLettered(deps, job.imageId);
    case "analysis":
      return markAnalysisDeadLettered(deps, job.imageId);
  }
}

const subject = (job: JobMessage) => (job.kind === "ingest" ? job.uploadId : job.imageId);

/**
 * The queue() entry point, for the job queue and its dead-letter queue. A batch's messages run
 * side by side (ingests one after another); each is acknowledged or retried on its own, so one
 * slow or failing image holds up no other. Every runner is idempotent: delivery is at least once.
 */
export async function consumeJobs(batch: MessageBatch<unknown>, env: Cloudflare.Env) {
  const deps = buildDeps(env);
  if (batch.queue === deadLetterQueue) {
    await Promise.all(batch.messages.map((message) => settleDeadLetter(deps, message)));
    return;
  }
  // An ingest streams up to MAX_DIRECT_UPLOAD_BYTES through a few MiB of buffers: one at a time,
  // beside the batch's other jobs, keeps the isolate's memory bounded whatever the batch holds.
  const isIngest = (message: Message<unknown>) => (message.body as { kind?: unknown } | null)?.kind === "ingest";
  const ingests = batch.messages.filter(isIngest);
  await Promise.all([
    ...batch.messages.filter((message) => !isIngest(message)).map((message) => runJob(deps, message)),
    (async () => {
      for (const message of ingests) await runJob(deps, message);
    })(),
  ]);
}

async function runJob(deps: Deps, message: Message<unknown>) {
  const job = parse(message);
  if (!job) return;
  try {
    const outcome = await run(deps, job);
    if (outcome.done) message.ack();
    else message.retry({ delaySeconds: delaySeconds(outcome.retryInMs) });
  } catch (error) {
    // Nothing recorded (the database or the bucket failed before the row could say why): back
    // off and deliver again; after max_retries the queue moves it to the dead-letter queue.
    console.error("job failed; retrying", job.kind, subject(job), errorName(error));
    message.retry({ delaySeconds: delaySeconds(backoffMs(message.attempts)) });
  }
}

async function settleDeadLetter(deps: Deps, message: Message<unknown>) {
  const job = parse(message);
  if (!job) return;
  try {
    await markDeadLettered(deps, job);
    message.ack();
  } catch (error) {
    console.error("dead letter not recorded; retrying", job.kind, subject(job), errorName(error));
    message.retry({ delaySeconds: 60 });
  }
}

/** A message that is not a job can never succeed: acknowledged and logged, never retried. */
function parse(message: Message<unknown>) {
  const parsed = v.safeParse(jobMessage, message.body);
  if (parsed.success) return parsed.output;
  console.error("not a job message; dropped", message.id);
  message.ack();
  return undefined;
}

const delaySeconds = (ms: number) => Math.min(maxDelaySeconds, Math.max(0, Math.ceil(ms / 1000)));

/** 5 s, 10 s, 20 s … with jitter, capped at 10 minutes. */
function backoffMs(attempt: number) {
  const base = Math.min(5000 * 2 ** (attempt - 1), 10 * 60_000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : "error");
