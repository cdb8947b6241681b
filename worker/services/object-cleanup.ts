import { inArray, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, pendingObjectDeletions } from "../db/schema";
import { deleteObject, listObjects } from "./object-store";
import { originalKeyOf } from "./rendition-keys";

type CleanupDeps = Pick<Deps, "config" | "db" | "s3">;

const orphanAgeMs = 60 * 60 * 1000;
const retryBatch = 50;

export async function recordFailedDeletion(deps: CleanupDeps, key: string, error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  await deps.db
    .insert(pendingObjectDeletions)
    .values({ key, lastError: message.slice(0, 500) })
    .onConflictDoUpdate({
      target: pendingObjectDeletions.key,
      set: { attempts: sql`${pendingObjectDeletions.attempts} + 1`, lastError: message.slice(0, 500) },
    });
}

/** Deletes an object now, or records it so the sweep deletes it later. Never throws. */
export async function deleteObjectOrQueue(deps: CleanupDeps, key: string) {
  try {
    await deleteObject(deps, key);
  } catch (error) {
    await recordFailedDeletion(deps, key, error).catch((dbError: unknown) => {
      console.error("object left behind; the orphan scan will remove it", key, String(dbError));
    });
  }
}

/** Retries deletions that failed earlier (those under `keyPrefix` only, when given). */
export async function retryPendingDeletions(deps: CleanupDeps, opts: { keyPrefix?: string } = {}) {
  const due = await deps.db
    .select()
    .from(pendingObjectDeletions)
    .where(opts.keyPrefix ? sql`starts_with(${pendingObjectDeletions.key}, ${opts.keyPrefix})` : undefined)
    .orderBy(pendingObjectDeletions.createdAt)
    .limit(retryBatch);
  let deleted = 0;
  for (const { key } of due) {
    try {
      await deleteObject(deps, key);
      await deps.db.delete(pendingObjectDeletions).where(inArray(pendingObjectDeletions.key, [key]));
      deleted++;
    } catch (error) {
      await recordFailedDeletion(deps, key, error);
    }
  }
  return deleted;
}

/**
 * Objects with no row, older than an hour (younger ones may be uploads whose insert is
 * still in flight), are leftovers of a crash between PUT and insert: remove them. A
 * rendition (under renditions/) belongs to the row of the original its key names.
 */
export async function removeOrphanObjects(deps: CleanupDeps, now: Date, prefix = "users/") {
  let removed = 0;
  let token: string | undefined;
  do {
    const page = await listObjects(deps, prefix, token);
    token = page.nextToken;
    const old = page.objects.filter((o) => now.getTime() - o.lastModified.getTime() > orphanAgeMs);
    if (!old.length) continue;
    const known = await deps.db
      .select({ key: images.key })
      .from(images)
      .where(inArray(images.key, [...new Set(old.map((o) => originalKeyOf(o.key)))]));
    const knownKeys = new Set(known.map((k) => k.key));
    for (const { key } of old) {
      if (knownKeys.has(originalKeyOf(key))) continue;
      await deleteObjectOrQueue(deps, key);
      removed++;
    }
  } while (token);
  return removed;
}
