import type { Deps } from "../deps";
import { inParallel } from "../lib/in-parallel";
import { deleteObjectOrQueue } from "./object-cleanup";
import { copyObject, deleteObject } from "./object-store";
import { renditionKeys } from "./rendition-keys";

type StoreDeps = Pick<Deps, "config" | "db" | "s3">;

/**
 * A trashed image's objects live under trash/, each at `trash/<its library key>`: a URL signed
 * for the library key answers NoSuchKey from the moment the move is done, whatever its window.
 */
export const trashPrefix = "trash/";

export const trashKey = (key: string) => `${trashPrefix}${key}`;

/** An image's objects in the library: its original and both renditions (made or not). */
const libraryKeysOf = (originalKey: string) => [originalKey, ...renditionKeys(originalKey)];

/** Copy, then delete the source; a missing source (never made, or moved already) is skipped, so a move can be redone. */
async function moveObject(deps: StoreDeps, from: string, to: string) {
  if (await copyObject(deps, from, to)) await deleteObject(deps, from);
}

/** Throws if any object could not be moved; what moved stays moved, and doing it again finishes it. */
export async function moveObjectsToTrash(deps: StoreDeps, originalKeys: string[]) {
  await inParallel(originalKeys.flatMap(libraryKeysOf), (key) => moveObject(deps, key, trashKey(key)));
}

export async function moveObjectsFromTrash(deps: StoreDeps, originalKeys: string[]) {
  await inParallel(originalKeys.flatMap(libraryKeysOf), (key) => moveObject(deps, trashKey(key), key));
}

/**
 * Every object images whose rows are gone may have, in the library or in the trash (a move may
 * have been cut short): deleting a missing object is fine. A delete that fails is queued for the sweep.
 */
export async function deleteImageObjects(deps: StoreDeps, originalKeys: string[]) {
  const objects = originalKeys.flatMap(libraryKeysOf).flatMap((key) => [key, trashKey(key)]);
  await inParallel(objects, (key) => deleteObjectOrQueue(deps, key));
}
