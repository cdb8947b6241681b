import { and, eq, inArray } from "drizzle-orm";
import type { Deps } from "../deps";
import { images } from "../db/schema";
import { inParallel } from "../lib/in-parallel";
import { uuidsAmong } from "../lib/item-results";
import { deleteObjectOrQueue } from "./object-cleanup";
import { renditionKeys } from "./rendition-keys";

type DeletionDeps = Pick<Deps, "config" | "db" | "s3">;

/**
 * The one way an image leaves: its rows go first, in one statement (all of them or, if the
 * database fails, none), then every object each had. Returns the ids deleted (lower case);
 * an id that is not one of the user's images is simply not among them.
 */
export async function deleteOwnImages(deps: DeletionDeps, userId: string, ids: string[]): Promise<Set<string>> {
  const candidates = uuidsAmong(ids);
  if (!candidates.length) return new Set();
  const deleted = await deps.db
    .delete(images)
    .where(and(eq(images.userId, userId), inArray(images.id, candidates)))
    .returning({ id: images.id, key: images.key });
  await deleteImageObjects(deps, deleted.map((row) => row.key));
  return new Set(deleted.map((row) => row.id));
}

/**
 * Every object of images whose rows are gone: the original and both renditions (made or not:
 * deleting a missing object is fine), so a signed rendition URL stops answering with its image.
 * A delete that fails is queued for the sweep.
 */
export async function deleteImageObjects(deps: DeletionDeps, originalKeys: string[]) {
  const objects = originalKeys.flatMap((key) => [key, ...renditionKeys(key)]);
  await inParallel(objects, (key) => deleteObjectOrQueue(deps, key));
}
