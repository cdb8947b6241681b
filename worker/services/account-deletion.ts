import { eq } from "drizzle-orm";
import type { Deps } from "../deps";
import { images } from "../db/schema";
import { deleteUser } from "./accounts";
import { abandonUploadsOf } from "./direct-uploads";
import { deleteImageObjects } from "./trash-objects";

/**
 * Removes the account and everything it owns. Direct uploads in progress are aborted first; then
 * rows go (they cascade from users), then the objects (originals and renditions, in the library
 * or the trash); an object whose
 * delete fails is queued for the sweep.
 */
export async function deleteAccount(deps: Deps, userId: string) {
  await abandonUploadsOf(deps, userId);
  const owned = await deps.db.select({ key: images.key }).from(images).where(eq(images.userId, userId));
  await deleteUser(deps, userId);
  await deleteImageObjects(deps, owned.map((image) => image.key));
}
