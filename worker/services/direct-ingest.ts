import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { directUploads, images, type DirectUpload } from "../db/schema";
import { isUniqueViolation } from "../lib/db-errors";
import { imageColumns } from "./image-queries";
import { findBySha256, newImageRow } from "./image-upload";
import { headObject } from "./multipart-store";
import { deleteObjectOrQueue } from "./object-cleanup";
import { type JobOutcome, jobDone, retryJobIn, sendJobs } from "./send-jobs";
import { type IngestedObject, IngestRefusal, writeStrippedCopy } from "./ingest-copy";

/** One ingest may stream 100 MiB twice (read, write): its lease outlasts that on a slow link. */
const leaseMs = 10 * 60_000;

/** Takes a completed upload for processing in one statement, fenced by its attempt count. */
async function claim(deps: Pick<Deps, "db">, id: string, now: Date): Promise<DirectUpload | undefined> {
  const [row] = await deps.db
    .update(directUploads)
    .set({ attempts: sql`${directUploads.attempts} + 1`, leaseUntil: new Date(now.getTime() + leaseMs) })
    .where(
      and(
        eq(directUploads.id, id),
        eq(directUploads.status, "processing"),
        sql`(${directUploads.leaseUntil} is null or ${directUploads.leaseUntil} < ${now.toISOString()}::timestamptz)`,
      ),
    )
    .returning();
  return row;
}

const fenced = (upload: DirectUpload) =>
  and(eq(directUploads.id, upload.id), eq(directUploads.status, "processing"), eq(directUploads.attempts, upload.attempts));

/**
 * One delivery of an `ingest` job: the completed upload's object becomes an image, or is refused
 * with the reason on the upload and nothing kept. The object is streamed (never held whole): its
 * type checked from its first bytes, its metadata stripped by the same allow-list as an upload
 * through the worker, hashed on the way, written under the image's own key; then the row, and the
 * renditions job. A duplicate of an image the user has is not kept twice. Storage or database
 * trouble is retried with backoff.
 */
export async function runIngestJob(deps: Deps, uploadId: string, now = new Date()): Promise<JobOutcome> {
  const upload = await claim(deps, uploadId, now);
  if (!upload) return jobDone;
  try {
    await ingest(deps, upload);
    return jobDone;
  } catch (error) {
    if (error instanceof IngestRefusal) {
      await refuse(deps, upload, error.code);
      return jobDone;
    }
    await deps.db.update(directUploads).set({ leaseUntil: null }).where(fenced(upload));
    return retryJobIn(Math.min(5000 * 2 ** (upload.attempts - 1), 10 * 60_000));
  }
}

async function ingest(deps: Deps, upload: DirectUpload) {
  const object = await headObject(deps, upload.key);
  if (!object) throw new IngestRefusal("object_missing", "The uploaded object is gone");
  if (object.size > deps.config.MAX_DIRECT_UPLOAD_BYTES) throw new IngestRefusal("file_too_large", "The upload is larger than allowed");
  const copy = await writeStrippedCopy(deps, upload, object);
  const existing = await findBySha256(deps, upload.userId, copy.sha256);
  if (existing) return finish(deps, upload, copy, existing.id, true);
  try {
    const [image] = await deps.db
      .insert(images)
      .values(
        newImageRow(deps.config, {
          userId: upload.userId,
          key: copy.key,
          fileName: upload.fileName,
          sniffed: withBrowserCaptureTime(copy.image, upload),
          bytes: copy.size,
          sha256: copy.sha256,
          crc32: copy.crc32,
          stripped: withBrowserStripping(copy.stripped, upload),
          noAi: upload.noAi,
        }),
      )
      .returning(imageColumns);
    await finish(deps, upload, copy, image.id, false);
    await sendJobs(deps, [{ kind: "renditions", imageId: image.id, attempt: 1 }]);
  } catch (error) {
    // The same bytes came in by another path meanwhile: theirs won.
    if (!isUniqueViolation(error, "images_user_sha256_key")) {
      await deleteObjectOrQueue(deps, copy.key);
      throw error;
    }
    const winner = await findBySha256(deps, upload.userId, copy.sha256);
    if (!winner) throw error;
    await finish(deps, upload, copy, winner.id, true);
  }
}

/**
 * A file the browser stripped (the SPA does, unless the owner keeps metadata) carries no capture
 * time any more: the one the browser read stands in, as the owner's own word about their photo.
 */
function withBrowserCaptureTime(image: IngestedObject["image"], upload: DirectUpload): IngestedObject["image"] {
  if (image.capturedAt || !upload.browserTakenAt) return image;
  return { ...image, capturedAt: { local: upload.browserTakenAt, offsetMinutes: upload.browserTakenAtOffset ?? undefined } };
}

/** What the browser removed counts as removed: the owner sees what left their photo, wherever it left. */
function withBrowserStripping(stripped: IngestedObject["stripped"], upload: DirectUpload): IngestedObject["stripped"] {
  const inBrowser = upload.strippedInBrowser ?? [];
  if (stripped.status === "kept" || inBrowser.length === 0) return stripped;
  const removed = [...new Set([...inBrowser, ...stripped.removed])];
  return { removed, status: "removed" };
}

/** The upload is done: the incoming object goes, and a duplicate's copy with it. */
async function finish(deps: Deps, upload: DirectUpload, copy: IngestedObject, imageId: string, duplicate: boolean) {
  if (duplicate) await deleteObjectOrQueue(deps, copy.key);
  await deleteObjectOrQueue(deps, upload.key);
  await deps.db.update(directUploads).set({ status: "done", imageId, duplicate, leaseUntil: null, error: null }).where(fenced(upload));
}

/** Refused for good: nothing of it is kept, and the upload says why. */
async function refuse(deps: Deps, upload: DirectUpload, code: string) {
  await deleteObjectOrQueue(deps, upload.key);
  await deps.db.update(directUploads).set({ status: "failed", error: code, leaseUntil: null }).where(fenced(upload));
}

/**
 * The dead-letter queue's share: the ingest failed on every delivery (storage or the database
 * down for long). The upload is failed with that reason and its object removed: the client sends
 * it again; nothing half-made is left.
 */
export async function markIngestDeadLettered(deps: Deps, uploadId: string, now = new Date()) {
  const [upload] = await deps.db
    .update(directUploads)
    .set({ status: "failed", error: "dead_lettered", leaseUntil: null })
    .where(
      and(
        eq(directUploads.id, uploadId),
        eq(directUploads.status, "processing"),
        sql`(${directUploads.leaseUntil} is null or ${directUploads.leaseUntil} < ${now.toISOString()}::timestamptz)`,
      ),
    )
    .returning({ key: directUploads.key });
  if (upload) await deleteObjectOrQueue(deps, upload.key);
}
