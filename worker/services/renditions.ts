import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, type Image } from "../db/schema";
import { deleteObjectOrQueue } from "./object-cleanup";
import { getObjectStream, putObject } from "./object-store";
import { RenditionError, type Rendition, renderRenditions, streamOf } from "./render-renditions";
import { type RenditionKind, renditionKey } from "./rendition-keys";

type RenditionDeps = Pick<Deps, "config" | "db" | "s3" | "images">;

const maxAttempts = 5;
/** A 12 MP photo takes the binding a few seconds; past this, the attempt is presumed dead. */
const leaseMs = 2 * 60_000;
/** A new upload makes its own renditions; the sweep leaves it alone this long. */
const uploadGraceMs = 2 * 60_000;
const minBackoffMs = 60_000;
const maxBackoffMs = 60 * 60_000;
/** Renditions are immutable under their key: browsers may keep them as long as they like. */
const renditionCacheControl = "private, max-age=31536000, immutable";

interface Claimed {
  id: string;
  key: string;
  fileName: string;
  contentType: string;
  width: number;
  height: number;
  attempts: number;
}

/**
 * Schedules a new image's renditions after the response. `bytes`, the object just stored,
 * spare a download from the bucket (analysis shares them; neither copies or changes them).
 */
export function scheduleRenditions(deps: Deps, image: Pick<Image, "id" | "renditionsStatus">, bytes?: Uint8Array) {
  if (image.renditionsStatus === "pending") deps.defer(renditionsInBackground(deps, image.id, bytes));
}

/** For deferred work: a failure here (the database down, say) is the sweep's to retry, not an unhandled rejection. */
function renditionsInBackground(deps: RenditionDeps, id: string, bytes?: Uint8Array): Promise<void> {
  return makeRenditions(deps, id, { bytes }).catch((error: unknown) => {
    console.error("renditions stopped; the sweep will retry", id, error instanceof Error ? error.name : "error");
  });
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
      width: images.width,
      height: images.height,
      attempts: images.renditionsAttempts,
    });
  return row;
}

const fenced = (claimed: Claimed) =>
  and(eq(images.id, claimed.id), eq(images.renditionsStatus, "pending"), eq(images.renditionsAttempts, claimed.attempts));

/**
 * Makes, stores and records both renditions of one image: one attempt, from `bytes` when the
 * caller holds the original, else streamed from the bucket into the binding. A failure is
 * recorded with a retry time for the sweep; a format the binding cannot read is final.
 */
async function makeRenditions(deps: RenditionDeps, id: string, opts: { bytes?: Uint8Array; now?: Date; by?: "id" | "sweep" } = {}) {
  const now = opts.now ?? new Date();
  const claimed = await claim(deps, id, now, opts.by ?? "id");
  if (!claimed) return;
  let made: { display: Rendition; thumb: Rendition };
  try {
    const source = opts.bytes ? streamOf(opts.bytes) : (await getObjectStream(deps, claimed.key)).body;
    made = await renderRenditions(deps.images, source, claimed.contentType);
    await Promise.all([store(deps, claimed, "display", made.display), store(deps, claimed, "thumb", made.thumb)]);
  } catch (error) {
    await fail(deps, claimed, error, now);
    return;
  }
  await complete(deps, claimed, made);
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

/** Failed with a due time while attempts remain; unsupported (or out of attempts) for good. */
async function fail(deps: RenditionDeps, claimed: Claimed, error: unknown, now: Date) {
  const code = error instanceof RenditionError ? error.code : "storage_unavailable";
  const unsupported = code === "unsupported_format";
  const retry = !unsupported && claimed.attempts < maxAttempts;
  await deps.db
    .update(images)
    .set({
      renditionsStatus: unsupported ? "unsupported" : "failed",
      renditionsError: code,
      renditionsLeaseUntil: null,
      renditionsNextAttemptAt: retry ? new Date(now.getTime() + backoffMs(claimed.attempts)) : null,
    })
    .where(fenced(claimed));
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
    for (let id = queue.shift(); id; id = queue.shift()) await makeRenditions(deps, id, { now, by: "sweep" });
  };
  await Promise.all([worker(), worker()]);
  return due.length;
}
