import { and, asc, desc, eq, getTableColumns, isNull, sql, type SQL } from "drizzle-orm";
import type { Deps } from "../deps";
import { albumImages, images, type Image } from "../db/schema";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { AppError } from "../lib/errors";
import { isUuid } from "../lib/text";
import { trashOwnImages } from "./image-deletion";
import { searchFor } from "./image-search";
import { parseDateSearch } from "./search-dates";
import { ownerId, readAs, type Owner } from "./caller";

const { search: _search, ...columns } = getTableColumns(images);
/** Every column but the search vector, which only the database needs. */
export const imageColumns = columns;

/** Images in the library, not in the trash: every listing, album, share and job reads only these. */
export const inLibrary = isNull(images.deletedAt);

export const imageNotFound = () => new AppError(404, "image_not_found", "No such image");

export interface ListQuery {
  limit: number;
  cursor?: string;
  tag?: string;
  /** Words to search for (see searchFor), best match first; a date among them ("beach 2019") narrows by timeline_at (parseDateSearch). */
  q?: string;
  /** "2024-05" or "2024-05-17": start at the newest image of that month or day (and go on to older ones). */
  from?: string;
  /** A prev_cursor: the images just newer than where it points, still newest first (a timeline scrolled up after a jump). */
  before?: string;
  /** Only the images of this album (one of the user's: the caller checks). */
  albumId?: string;
  /** Only the owner's starred images. */
  favorite?: boolean;
}

/**
 * Keyset pagination, stable while new uploads arrive: the timeline's order, newest first on
 * (timeline_at, id) — when taken, else when uploaded — or with `q` best match first on
 * (rank, created_at, id). The rank is an integer (searchFor's score) so the cursor carries it exactly.
 */
export async function listImages(deps: Pick<Deps, "db">, owner: Owner, query: ListQuery) {
  const filters: (SQL | undefined)[] = [eq(images.userId, ownerId(owner)), inLibrary];
  const { words, period } = parseDateSearch(query.q ?? "");
  // A date alone ("2019") lists its images in the timeline's order; with words, best match first.
  const search = words ? searchFor(words) : undefined;
  const rank = search?.score ?? sql<number>`0`;
  if (search) filters.push(search.where);
  if (period) filters.push(sql`${images.timelineAt} >= ${period.start}::timestamp and ${images.timelineAt} < ${period.end}::timestamp`);
  if (query.favorite !== undefined) filters.push(eq(images.favorite, query.favorite));
  if (query.tag) filters.push(sql`${images.tags} @> array[${query.tag}]::text[]`);
  if (query.albumId) filters.push(sql`exists (select 1 from ${albumImages} where ${albumImages.albumId} = ${query.albumId} and ${albumImages.imageId} = ${images.id})`);
  const fromEnd = query.from && periodEnd(query.from);
  if (fromEnd) filters.push(sql`${images.timelineAt} < ${fromEnd}::timestamp`);
  if (query.cursor) filters.push(search ? afterRanked(query.cursor, rank) : afterInTimeline(query.cursor));
  if (query.before) {
    if (search || query.cursor || query.from) throw new AppError(400, "invalid_request", "before: goes alone (no cursor or from) and pages the timeline, not a search", { field: "before" });
    filters.push(newerInTimeline(query.before));
  }

  // A before page is read nearest first (ascending, the same index backwards) and turned round.
  const order = query.before ? [asc(images.timelineAt), asc(images.id)] : [...(search ? [desc(rank), desc(images.createdAt)] : [desc(images.timelineAt)]), desc(images.id)];
  const rows = await readAs(
    owner,
    deps.db
      .select({ ...imageColumns, rank })
      .from(images)
      .where(and(...filters))
      .orderBy(...order)
      .limit(query.limit + 1),
  );
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (query.before) page.reverse();
  const [first, last] = [page[0], page.at(-1)];
  const timelineKey = (row: { timelineAt: Date; id: string }) => encodeCursor([row.timelineAt.toISOString(), row.id]);
  const olderRemain = query.before ? page.length > 0 : more;
  const nextCursor = olderRemain && last ? (search ? encodeCursor([last.rank, last.createdAt.toISOString(), last.id]) : timelineKey(last)) : null;
  return { images: page.map(({ rank: _rank, ...image }): Image => image), nextCursor, prevCursor: search ? null : prevCursor(query, more, first && timelineKey(first), fromEnd) };
}

/**
 * Where the images newer than a timeline page begin, for a before page; null when none are. A
 * before page knows from its extra row; a month's page points at the month's end without
 * looking (a before page from there is empty when nothing is newer); the newest page has none.
 */
function prevCursor(query: ListQuery, more: boolean, first: string | undefined, fromEnd: string | undefined | "") {
  if (query.before) return more ? (first ?? null) : null;
  if (query.cursor) return first ?? query.cursor;
  // The nil uuid sorts first: every image at the month's end instant or later is newer.
  if (query.from) return fromEnd ? encodeCursor([fromEnd, "00000000-0000-0000-0000-000000000000"]) : null;
  return null;
}

function newerInTimeline(cursor: string) {
  const [timelineAt, id] = decodeCursor(cursor, ["string", "string"]) as [string, string];
  checkCursorParts(timelineAt, id);
  return sql`(${images.timelineAt}, ${images.id}) > (${timelineAt}::timestamp, ${id}::uuid)`;
}

/** timeline_at has no zone: the cursor's ISO "…Z" is read as that wall-clock time (Postgres ignores a zone given for a timestamp). */
function afterInTimeline(cursor: string) {
  const [timelineAt, id] = decodeCursor(cursor, ["string", "string"]) as [string, string];
  checkCursorParts(timelineAt, id);
  return sql`(${images.timelineAt}, ${images.id}) < (${timelineAt}::timestamp, ${id}::uuid)`;
}

/**
 * The first moment after a "YYYY-MM" month or "YYYY-MM-DD" day (validated by the route), as a
 * wall-clock timestamp; undefined past the year 9999, which Postgres cannot read and nothing is after.
 */
function periodEnd(period: string): string | undefined {
  const [year, month, day] = period.split("-").map(Number);
  const end = day === undefined ? new Date(Date.UTC(year, month, 1)) : new Date(Date.UTC(year, month - 1, day + 1));
  return end.getUTCFullYear() > 9999 ? undefined : end.toISOString();
}

function afterRanked(cursor: string, rank: SQL<number>) {
  const [lastRank, createdAt, id] = decodeCursor(cursor, ["number", "string", "string"]) as [number, string, string];
  checkCursorParts(createdAt, id);
  if (!Number.isInteger(lastRank) || Math.abs(lastRank) > 2_147_483_647) throw invalidCursor(); // ::int overflows past int4
  return sql`(${rank}, ${images.createdAt}, ${images.id}) < (${lastRank}::int, ${createdAt}::timestamptz, ${id}::uuid)`;
}

export function checkCursorParts(createdAt: string, id: string) {
  // Only toISOString() output round-trips: Date.parse also takes forms Postgres refuses ("2020", "+010000-…", year 0).
  const isOurTimestamp = /^(?!0000)\d{4}-/.test(createdAt) && !Number.isNaN(Date.parse(createdAt)) && new Date(createdAt).toISOString() === createdAt;
  if (!isUuid(id) || !isOurTimestamp) throw invalidCursor();
}

const invalidCursor = () => new AppError(400, "invalid_cursor", "cursor is not one this API returned", { field: "cursor" });

/** Ownership is part of the query: another user's image and a malformed id are both 404. */
export async function getOwnImage(deps: Pick<Deps, "db">, owner: Owner, id: string): Promise<Image> {
  if (!isUuid(id)) throw imageNotFound();
  const [row] = await readAs(owner, deps.db.select(imageColumns).from(images).where(and(eq(images.id, id), eq(images.userId, ownerId(owner)), inLibrary)));
  if (!row) throw imageNotFound();
  return row;
}

/** Moves one image of the library to the trash (trashOwnImages); 404 for anything else, a trashed image included. */
export async function trashOwnImage(deps: Deps, userId: string, id: string) {
  if (!isUuid(id)) throw imageNotFound();
  const gone = await trashOwnImages(deps, userId, [id]);
  if (!gone.size) throw imageNotFound();
}
