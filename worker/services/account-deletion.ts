import { eq } from "drizzle-orm";
import type { Deps } from "../deps";
import { images } from "../db/schema";
import { deleteUser } from "./accounts";
import { deleteObjectOrQueue } from "./object-cleanup";
import { renditionKeys } from "./rendition-keys";

/**
 * Removes the account and everything it owns. Rows go first (they cascade from users),
 * then the objects (originals and renditions); an object whose delete fails is queued for the sweep.
 */
export async function deleteAccount(deps: Deps, userId: string) {
  const owned = await deps.db.select({ key: images.key }).from(images).where(eq(images.userId, userId));
  await deleteUser(deps, userId);
  for (const { key } of owned) await Promise.all([key, ...renditionKeys(key)].map((object) => deleteObjectOrQueue(deps, object)));
}
