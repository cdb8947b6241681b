import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { images } from "../../db/schema";
import { analyzeDueImages } from "../../services/analysis";
import { removeOrphanObjects } from "../../services/object-cleanup";
import { makeDueRenditions } from "../../services/renditions";
import { testDb, testDeps } from "../helpers";
import { storedObjects } from "../image-helpers";

/** Far enough ahead that every retry is due and every leftover object counts as an orphan. */
export const afterEverything = () => new Date(Date.now() + 2 * 60 * 60 * 1000);

/** The cron sweep's work, scoped to one user so parallel test files are left alone. */
export async function sweepUser(userId: string, deps = testDeps()) {
  await analyzeDueImages(deps, afterEverything(), { userId, batch: 50 });
  await makeDueRenditions(deps, afterEverything(), { userId, batch: 50 });
  await removeOrphanObjects(deps, afterEverything(), `users/${userId}/`);
  await removeOrphanObjects(deps, afterEverything(), `renditions/users/${userId}/`);
}

/**
 * After the sweep: every row has its object and every object its row (renditions too), and
 * no image is left pending, processing or failed with a retry still to come.
 */
export async function expectConsistentAfterSweep(userId: string) {
  await sweepUser(userId);
  const rows = await testDb()
    .select({ key: images.key, status: images.analysisStatus, retryAt: images.nextAttemptAt, thumbKey: images.thumbKey, displayKey: images.displayKey })
    .from(images)
    .where(eq(images.userId, userId));
  const objects = await storedObjects(`users/${userId}/`);
  expect(objects.map((o) => o.key).sort()).toEqual(rows.map((r) => r.key).sort());
  const renditions = await storedObjects(`renditions/users/${userId}/`);
  // An original that stands in for its renditions (AVIF) is counted with the originals.
  const made = rows.flatMap((r) => [r.thumbKey, r.displayKey]).filter((key) => key && !rows.some((r) => r.key === key));
  expect(renditions.map((o) => o.key).sort()).toEqual(made.sort());
  for (const row of rows) {
    expect(["done", "skipped", "failed"], `image ${row.key}`).toContain(row.status);
    if (row.status === "failed") expect(row.retryAt, `image ${row.key} still has a retry due`).toBeNull();
  }
  return rows;
}
