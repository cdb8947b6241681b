import { and, eq, inArray, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { type Album, albumImages, images } from "../db/schema";
import { imageColumns, inLibrary } from "./image-queries";
import { toImageView } from "./image-view";

/**
 * The API's picture of albums: each with how many images it holds and its cover as an image
 * view (fresh signed URL): the chosen cover while it is in the album, else the album's first
 * image in timeline order; null for an empty album. Two queries for any number of albums.
 */
export async function toAlbumViews(deps: Pick<Deps, "config" | "db" | "s3">, userId: string, found: Album[]) {
  if (found.length === 0) return [];
  const ids = found.map((album) => album.id);
  const stats = await deps.db
    .select({
      albumId: albumImages.albumId,
      count: sql<number>`count(*)::int`,
      firstImageId: sql<string>`(array_agg(${images.id} order by ${images.timelineAt} desc, ${images.id} desc))[1]`,
    })
    .from(albumImages)
    .innerJoin(images, eq(images.id, albumImages.imageId))
    .where(and(inArray(albumImages.albumId, ids), inLibrary))
    .groupBy(albumImages.albumId);
  const statsOf = new Map(stats.map((row) => [row.albumId, row]));
  // A chosen cover is kept only while it is in the album: removing it from the album clears it.
  // One in the trash is passed over (and comes back with a restore).
  const firstOf = (album: Album) => statsOf.get(album.id)?.firstImageId ?? null;
  const coverIds = [...new Set(found.flatMap((album) => [album.coverImageId, firstOf(album)]).filter((id): id is string => id !== null))];
  const covers = coverIds.length
    ? await deps.db
        .select(imageColumns)
        .from(images)
        .where(and(eq(images.userId, userId), inArray(images.id, coverIds), inLibrary))
    : [];
  const coverViews = new Map(await Promise.all(covers.map(async (image) => [image.id, await toImageView(deps, image)] as const)));
  return found.map((album) => {
    const chosen = album.coverImageId && coverViews.get(album.coverImageId);
    const first = firstOf(album);
    return {
      id: album.id,
      name: album.name,
      image_count: statsOf.get(album.id)?.count ?? 0,
      /** The owner's choice; null when the album shows its first image. */
      cover_image_id: album.coverImageId,
      cover: chosen || (first && coverViews.get(first)) || null,
      created_at: album.createdAt.toISOString(),
      updated_at: album.updatedAt.toISOString(),
    };
  });
}

export async function toAlbumView(deps: Pick<Deps, "config" | "db" | "s3">, userId: string, album: Album) {
  const [view] = await toAlbumViews(deps, userId, [album]);
  return view;
}
