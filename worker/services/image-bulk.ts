import { and, eq, inArray } from "drizzle-orm";
import type { Deps } from "../deps";
import { images } from "../db/schema";
import { isDatabaseUnavailable } from "../lib/db-errors";
import { AppError } from "../lib/errors";
import { distinctIds, type ItemResult, itemFailed, itemOk, uuidsAmong } from "../lib/item-results";
import { addImagesToAlbum, removeImagesFromAlbum } from "./album-images";
import type { Owner } from "./analysis-requests";
import { imageNotFound } from "./image-queries";
import { updateImage } from "./image-edits";
import { deleteObjectOrQueue } from "./object-cleanup";

export type BulkAction =
  | { action: "delete"; ids: string[] }
  | { action: "set_no_ai"; ids: string[]; no_ai: boolean }
  | { action: "add_to_album" | "remove_from_album"; ids: string[]; album_id: string };

/** Requests to S3 and the database in flight at once: a Worker may hold six connections. */
const parallel = 4;
/** Images a bulk `no_ai: false` sends to the AI at once; the sweep takes the rest (5 a minute). */
const analysedAtOnce = 3;

/**
 * One action on up to 100 of the user's images, each succeeding or failing on its own: the
 * results say which, in the order asked. An id that is not one of the user's images fails as
 * image_not_found, whether it is unknown or another user's.
 */
export async function runBulkAction(deps: Deps, owner: Owner, input: BulkAction): Promise<ItemResult[]> {
  const userId = owner.id;
  switch (input.action) {
    case "delete":
      return deleteImages(deps, userId, input.ids);
    case "set_no_ai":
      return eachImage(input.ids, async (id, index) => {
        await updateImage(deps, owner, id, { no_ai: input.no_ai }, { analyseNow: index < analysedAtOnce });
      });
    case "add_to_album":
      return addImagesToAlbum(deps, userId, input.album_id, input.ids);
    case "remove_from_album":
      return removeImagesFromAlbum(deps, userId, input.album_id, input.ids);
  }
}

/**
 * Rows first, in one statement (all of them or, if the database fails, none), then each object;
 * an object whose delete fails is queued for the sweep, as a single delete does.
 */
async function deleteImages(deps: Deps, userId: string, ids: string[]): Promise<ItemResult[]> {
  const candidates = uuidsAmong(ids);
  const deleted = candidates.length
    ? await deps.db
        .delete(images)
        .where(and(eq(images.userId, userId), inArray(images.id, candidates)))
        .returning({ id: images.id, key: images.key })
    : [];
  await inParallel(deleted, (row) => deleteObjectOrQueue(deps, row.key));
  const gone = new Set(deleted.map((row) => row.id));
  return distinctIds(ids).map((id) => (gone.has(id.toLowerCase()) ? itemOk(id) : itemFailed(id, imageNotFound())));
}

/** Runs `act` for each distinct id; a failure is that item's result, whatever it was. */
async function eachImage(ids: string[], act: (id: string, index: number) => Promise<void>): Promise<ItemResult[]> {
  return inParallel(distinctIds(ids), async (id, index) => {
    try {
      await act(id, index);
      return itemOk(id);
    } catch (error) {
      return itemFailed(id, asItemError(error));
    }
  });
}

function asItemError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) return new AppError(503, "database_unavailable", "The database is unavailable; try this image again shortly");
  console.error("bulk item failed", error instanceof Error ? error.name : "error");
  return new AppError(500, "internal", "This image could not be changed");
}

async function inParallel<T, R>(items: T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index], index);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results;
}
