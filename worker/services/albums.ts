import { and, desc, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { type Album, albumImages, albums } from "../db/schema";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { AppError } from "../lib/errors";
import { isUuid } from "../lib/text";
import { checkCursorParts } from "./image-queries";

const albumNotFound = () => new AppError(404, "album_not_found", "No such album");

export interface AlbumPatch {
  name?: string;
  /** One of the album's images, or null for the default (its first image). */
  cover_image_id?: string | null;
}

/**
 * The album if it is the user's: ownership is part of the query, so another user's album and a
 * malformed id are both 404. Every album route goes through here (a future share-links service too).
 */
export async function getOwnAlbum(deps: Pick<Deps, "db">, userId: string, id: string): Promise<Album> {
  if (!isUuid(id)) throw albumNotFound();
  const [album] = await deps.db
    .select()
    .from(albums)
    .where(and(eq(albums.id, id), eq(albums.userId, userId)));
  if (!album) throw albumNotFound();
  return album;
}

export async function createAlbum(deps: Pick<Deps, "db">, userId: string, input: { name: string }): Promise<Album> {
  const [album] = await deps.db.insert(albums).values({ userId, name: input.name }).returning();
  return album;
}

/** Newest first, keyset-paged on (created_at, id) like the images. */
export async function listAlbums(deps: Pick<Deps, "db">, userId: string, page: { limit: number; cursor?: string }) {
  const after = page.cursor ? afterAlbum(page.cursor) : undefined;
  const rows = await deps.db
    .select()
    .from(albums)
    .where(and(eq(albums.userId, userId), after))
    .orderBy(desc(albums.createdAt), desc(albums.id))
    .limit(page.limit + 1);
  const found = rows.slice(0, page.limit);
  const last = found.at(-1);
  return { albums: found, nextCursor: rows.length > page.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
}

function afterAlbum(cursor: string) {
  const [createdAt, id] = decodeCursor(cursor, ["string", "string"]) as [string, string];
  checkCursorParts(createdAt, id);
  return sql`(${albums.createdAt}, ${albums.id}) < (${createdAt}::timestamptz, ${id}::uuid)`;
}

/** Rename and choose the cover; the cover must be in the album (422 cover_not_in_album otherwise). */
export async function updateAlbum(deps: Pick<Deps, "db">, userId: string, id: string, patch: AlbumPatch): Promise<Album> {
  const album = await getOwnAlbum(deps, userId, id);
  const cover = patch.cover_image_id;
  if (typeof cover === "string" && !(isUuid(cover) && (await isInAlbum(deps, album.id, cover)))) {
    throw new AppError(422, "cover_not_in_album", "The cover must be one of the album's images", { field: "cover_image_id" });
  }
  if (patch.name === undefined && cover === undefined) return album;
  const [updated] = await deps.db
    .update(albums)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(cover !== undefined ? { coverImageId: cover } : {}),
      updatedAt: sql`date_trunc('milliseconds', now())`,
    })
    .where(and(eq(albums.id, album.id), eq(albums.userId, userId)))
    .returning();
  if (!updated) throw albumNotFound();
  return updated;
}

/** The album and its memberships go; its images stay. */
export async function deleteAlbum(deps: Pick<Deps, "db">, userId: string, id: string) {
  if (!isUuid(id)) throw albumNotFound();
  const [deleted] = await deps.db
    .delete(albums)
    .where(and(eq(albums.id, id), eq(albums.userId, userId)))
    .returning({ id: albums.id });
  if (!deleted) throw albumNotFound();
}

async function isInAlbum(deps: Pick<Deps, "db">, albumId: string, imageId: string) {
  const [row] = await deps.db
    .select({ imageId: albumImages.imageId })
    .from(albumImages)
    .where(and(eq(albumImages.albumId, albumId), eq(albumImages.imageId, imageId)));
  return row !== undefined;
}
