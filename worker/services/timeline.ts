import { desc, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images } from "../db/schema";

/**
 * The owner's months with images, newest first, each with how many it holds: the index
 * a long gallery jumps by (GET /images?from=<month> starts the listing there).
 */
export async function listTimelineMonths(deps: Pick<Deps, "db">, userId: string) {
  const month = sql<string>`to_char(${images.timelineAt}, 'YYYY-MM')`;
  return deps.db
    .select({ month, count: sql<number>`count(*)::int` })
    .from(images)
    .where(eq(images.userId, userId))
    .groupBy(month)
    .orderBy(desc(month));
}
