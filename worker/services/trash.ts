import { and, desc, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { type Image, images } from "../db/schema";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { isUniqueViolation } from "../lib/db-errors";
import { AppError } from "../lib/errors";
import { distinctIds, type ItemResult, itemFailed, itemOk, uuidsAmong } from "../lib/item-results";
import { isUuid } from "../lib/text";
import { finishTrashMoves, purgeTrashedImages } from "./image-deletion";
import { checkCursorParts, imageColumns, imageNotFound } from "./image-queries";
import { toImageView } from "./image-view";
import { moveObjectsFromTrash, trashKey } from "./trash-objects";

type TrashDeps = Pick<Deps, "config" | "db" | "s3">;

const dayMs = 24 * 60 * 60 * 1000;

const purgeAt = (deletedAt: Date, trashDays: number) => new Date(deletedAt.getTime() + trashDays * dayMs);

/** The user's trash, most recently deleted first, keyset-paged on (deleted_at, id). */
export async function listTrash(deps: TrashDeps, userId: string, query: { limit: number; cursor?: string }) {
  const filters = [eq(images.userId, userId), isNotNull(images.deletedAt)];
  if (query.cursor) {
    const [deletedAt, id] = decodeCursor(query.cursor, ["string", "string"]) as [string, string];
    checkCursorParts(deletedAt, id);
    filters.push(sql`(${images.deletedAt}, ${images.id}) < (${deletedAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await deps.db
    .select(imageColumns)
    .from(images)
    .where(and(...filters))
    .orderBy(desc(images.deletedAt), desc(images.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last?.deletedAt ? encodeCursor([last.deletedAt.toISOString(), last.id]) : null;
  return { images: await Promise.all(page.map((image) => toTrashView(deps, image))), nextCursor };
}

/** An image in the trash: its view signed for where its objects are now, with when it went and when it goes for good. */
async function toTrashView(deps: TrashDeps, image: Image) {
  const at = (key: string | null) => (key && image.objectsInTrash ? trashKey(key) : key);
  const view = await toImageView(deps, { ...image, key: at(image.key) ?? image.key, thumbKey: at(image.thumbKey), displayKey: at(image.displayKey) });
  const deletedAt = image.deletedAt ?? new Date();
  return { ...view, deleted_at: deletedAt.toISOString(), purge_at: purgeAt(deletedAt, deps.config.TRASH_DAYS).toISOString() };
}

const alreadyInLibrary = () =>
  new AppError(409, "duplicate_in_library", "The same photo is in your library again (uploaded after this one was deleted); delete this copy for good instead");

/**
 * Brings trashed images back: the rows are stamped first (objects_in_trash cleared, deleted_at
 * renewed, so the sweep, which finishes moves only for rows trashed a while ago, leaves them
 * alone), then the objects move back, then the rows rejoin the library. Cut short anywhere, the
 * images are still in the trash and the sweep moves whatever came back into it again. An image
 * whose bytes were uploaded again since (the library holds one copy of each) fails.
 */
export async function restoreImages(deps: TrashDeps, userId: string, ids: string[]): Promise<ItemResult[]> {
  const candidates = uuidsAmong(ids);
  const stamped = candidates.length
    ? await deps.db
        .update(images)
        .set({ objectsInTrash: false, deletedAt: sql`date_trunc('milliseconds', now())` })
        .where(
          and(
            eq(images.userId, userId),
            inArray(images.id, candidates),
            isNotNull(images.deletedAt),
            sql`not exists (select 1 from ${images} as live where live.user_id = ${images.userId} and live.sha256 = ${images.sha256} and live.deleted_at is null)`,
          ),
        )
        .returning({ id: images.id, key: images.key })
    : [];
  await moveObjectsFromTrash(deps, stamped.map((row) => row.key));
  const restored = new Set<string>();
  for (const row of stamped) {
    try {
      await deps.db.update(images).set({ deletedAt: null }).where(and(eq(images.id, row.id), isNotNull(images.deletedAt)));
      restored.add(row.id);
    } catch (error) {
      // The same bytes were uploaded in the meantime: this copy stays in the trash (the sweep moves its objects back).
      if (!isUniqueViolation(error, "images_user_sha256_key")) throw error;
    }
  }
  const trashedIds = candidates.length ? await stillTrashed(deps, userId, candidates) : new Set<string>();
  return distinctIds(ids).map((id) => {
    const lower = id.toLowerCase();
    if (restored.has(lower)) return itemOk(id);
    return itemFailed(id, trashedIds.has(lower) ? alreadyInLibrary() : imageNotFound());
  });
}

async function stillTrashed(deps: TrashDeps, userId: string, ids: string[]) {
  const rows = await deps.db
    .select({ id: images.id })
    .from(images)
    .where(and(eq(images.userId, userId), inArray(images.id, ids), isNotNull(images.deletedAt)));
  return new Set(rows.map((row) => row.id));
}

/** One image back from the trash, or why not (404 image_not_found, 409 duplicate_in_library). */
export async function restoreImage(deps: TrashDeps, userId: string, id: string): Promise<Image> {
  if (!isUuid(id)) throw imageNotFound();
  const [result] = await restoreImages(deps, userId, [id]);
  if (result.status === "failed") throw result.code === "image_not_found" ? imageNotFound() : alreadyInLibrary();
  const [image] = await deps.db.select(imageColumns).from(images).where(eq(images.id, id.toLowerCase()));
  if (!image) throw imageNotFound();
  return image;
}

/** Deletes one trashed image for good; 404 for anything else (an image in the library must be trashed first). */
export async function deleteForever(deps: TrashDeps, userId: string, id: string) {
  if (!isUuid(id)) throw imageNotFound();
  const gone = await purgeTrashedImages(deps, { userId, ids: [id.toLowerCase()] });
  if (!gone.size) throw imageNotFound();
}

/** Empties the user's trash: every trashed image deleted for good. Returns how many. */
export async function emptyTrash(deps: TrashDeps, userId: string) {
  return (await purgeTrashedImages(deps, { userId })).size;
}

/** The sweep's share: images in the trash for TRASH_DAYS are deleted for good, a batch per run. */
export async function purgeExpiredTrash(deps: TrashDeps, now: Date, batch = 100) {
  const cutoff = new Date(now.getTime() - deps.config.TRASH_DAYS * dayMs);
  const due = await deps.db
    .select({ id: images.id })
    .from(images)
    .where(and(isNotNull(images.deletedAt), lt(images.deletedAt, cutoff)))
    .orderBy(images.deletedAt)
    .limit(batch);
  return (await purgeTrashedImages(deps, { ids: due.map((row) => row.id), deletedBefore: cutoff })).size;
}

/** A delete's own move has had this long; a row still not moved after it was cut short. */
const moveGraceMs = 2 * 60 * 1000;

/** The sweep's other share: finishes the moves to trash/ that a delete (or a restore) left unfinished. */
export async function finishUnfinishedTrashMoves(deps: TrashDeps, now: Date, batch = 50) {
  const rows = await deps.db
    .select({ id: images.id, key: images.key, deletedAt: images.deletedAt })
    .from(images)
    .where(and(isNotNull(images.deletedAt), eq(images.objectsInTrash, false), lt(images.deletedAt, new Date(now.getTime() - moveGraceMs))))
    .orderBy(images.deletedAt)
    .limit(batch);
  await finishTrashMoves(deps, rows);
  return rows.length;
}
