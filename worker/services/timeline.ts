import { and, desc, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images } from "../db/schema";
import { ownerId, readAs, type Owner } from "./caller";
import { inLibrary } from "./image-queries";

/**
 * The owner's months with images, newest first, each with how many it holds: the index
 * a long gallery jumps by (GET /images?from=<month> starts the listing there).
 */
export async function listTimelineMonths(deps: Pick<Deps, "db">, owner: Owner) {
  const month = sql<string>`to_char(${images.timelineAt}, 'YYYY-MM')`;
  return readAs(
    owner,
    deps.db
      .select({ month, count: sql<number>`count(*)::int` })
      .from(images)
      .where(and(eq(images.userId, ownerId(owner)), inLibrary))
      .groupBy(month)
      .orderBy(desc(month)),
  );
}
