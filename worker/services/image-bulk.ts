import type { Deps } from "../deps";
import { isDatabaseUnavailable } from "../lib/db-errors";
import { AppError } from "../lib/errors";
import { inParallel } from "../lib/in-parallel";
import { distinctIds, type ItemResult, itemFailed, itemOk } from "../lib/item-results";
import { addImagesToAlbum, removeImagesFromAlbum } from "./album-images";
import type { Owner } from "./analysis-requests";
import { imageNotFound } from "./image-queries";
import { updateImage } from "./image-edits";
import { trashOwnImages } from "./image-deletion";

export type BulkAction =
  | { action: "delete"; ids: string[] }
  | { action: "set_no_ai"; ids: string[]; no_ai: boolean }
  | { action: "add_to_album" | "remove_from_album"; ids: string[]; album_id: string };

/** Images a bulk `no_ai: false` sends to the AI at once; the sweep takes the rest (5 a minute). */
const analysedAtOnce = 3;

/**
 * One action on up to 100 of the user's images, each succeeding or failing on its own: the
 * results say which, in the order asked. Each image allowed to go to the AI again spends the
 * re-analysis budgets as PATCH /images/:id does (`spendUserBudget` once per image). An id that is not one of the user's images fails as
 * image_not_found, whether it is unknown or another user's.
 */
export async function runBulkAction(deps: Deps, owner: Owner, input: BulkAction, spendUserBudget: () => Promise<void>): Promise<ItemResult[]> {
  const userId = owner.id;
  switch (input.action) {
    case "delete":
      return deleteImages(deps, userId, input.ids);
    case "set_no_ai":
      return eachImage(input.ids, async (id, index) => {
        await updateImage(deps, owner, id, { no_ai: input.no_ai }, spendUserBudget, { analyseNow: index < analysedAtOnce });
      });
    case "add_to_album":
      return addImagesToAlbum(deps, userId, input.album_id, input.ids);
    case "remove_from_album":
      return removeImagesFromAlbum(deps, userId, input.album_id, input.ids);
  }
}

/** To the trash, as DELETE /images/:id does; unknown ids (and images already in the trash) fail. */
async function deleteImages(deps: Deps, userId: string, ids: string[]): Promise<ItemResult[]> {
  const gone = await trashOwnImages(deps, userId, ids);
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
