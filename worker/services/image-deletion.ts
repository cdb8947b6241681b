import { and, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images } from "../db/schema";
import { uuidsAmong } from "../lib/item-results";
import { deleteImageObjects, moveObjectsToTrash } from "./trash-objects";

type DeletionDeps = Pick<Deps, "config" | "db" | "s3">;

/**
 * A delete moves images to the trash. The rows go first, in one statement (all of them or, if
 * the database fails, none): from then on no listing, album, share or job sees them. Then their
 * objects move under trash/, so URLs signed before stop working now; only then does the row say
 * so (objects_in_trash). A move cut short (storage down, a crash) is finished by the sweep,
 * which takes rows trashed a while ago whose objects are not in the trash yet. Returns the ids
 * trashed (lower case); an id that is not one of the user's images in the library is not among them.
 */
export async function trashOwnImages(deps: DeletionDeps, userId: string, ids: string[]): Promise<Set<string>> {
  const candidates = uuidsAmong(ids);
  if (!candidates.length) return new Set();
  const trashed = await deps.db
    .update(images)
    .set({ deletedAt: sql`date_trunc('milliseconds', now())`, objectsInTrash: false })
    .where(and(eq(images.userId, userId), inArray(images.id, candidates), isNull(images.deletedAt)))
    .returning({ id: images.id, key: images.key, deletedAt: images.deletedAt });
  await finishTrashMoves(deps, trashed).catch((error: unknown) => {
    console.error("trash move cut short; the sweep finishes it", error instanceof Error ? error.message : "error");
  });
  return new Set(trashed.map((row) => row.id));
}

/**
 * Moves trashed images' objects under trash/ and records it, fenced on the deletion time read:
 * a restore begun meanwhile stamps a new one, and its own move back must not be undone here.
 */
export async function finishTrashMoves(deps: DeletionDeps, rows: { id: string; key: string; deletedAt: Date | null }[]) {
  if (!rows.length) return;
  await moveObjectsToTrash(deps, rows.map((row) => row.key));
  for (const row of rows) {
    if (!row.deletedAt) continue;
    await deps.db
      .update(images)
      .set({ objectsInTrash: true })
      .where(and(eq(images.id, row.id), eq(images.deletedAt, row.deletedAt)));
  }
}

/** Which trashed images a purge takes; each is narrowed to rows in the trash (deleted_at set). */
interface PurgeScope {
  /** Undefined: any user's (the sweep's purge). */
  userId?: string;
  /** Undefined: all of them. */
  ids?: string[];
  /** Only those trashed before then: a restore begun meanwhile renews deleted_at, so its image is spared. */
  deletedBefore?: Date;
}

/**
 * Deletes trashed images for good: rows first (one statement), then every object each may have,
 * in the trash or, for a move cut short, still in the library; a failed object delete is queued
 * for the sweep, and one a crash leaves behind is an orphan its scan removes. Returns the ids deleted.
 */
export async function purgeTrashedImages(deps: DeletionDeps, scope: PurgeScope): Promise<Set<string>> {
  if (scope.ids && !scope.ids.length) return new Set();
  const deleted = await deps.db
    .delete(images)
    .where(
      and(
        isNotNull(images.deletedAt),
        scope.userId ? eq(images.userId, scope.userId) : undefined,
        scope.ids ? inArray(images.id, scope.ids) : undefined,
        scope.deletedBefore ? lt(images.deletedAt, scope.deletedBefore) : undefined,
      ),
    )
    .returning({ id: images.id, key: images.key });
  await deleteImageObjects(deps, deleted.map((row) => row.key));
  return new Set(deleted.map((row) => row.id));
}
