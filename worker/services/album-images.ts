import { sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { albumImages, albums, images } from "../db/schema";
import { distinctIds, type ItemResult, itemFailed, itemOk, uuidsAmong } from "../lib/item-results";
import { getOwnAlbum } from "./albums";
import { imageNotFound } from "./image-queries";

/**
 * Adds the user's images to the user's album, each in one statement: an image already in it
 * is fine (ok), an id that is not one of the user's images fails as image_not_found, the same
 * answer whether it is unknown or another user's.
 */
export async function addImagesToAlbum(deps: Pick<Deps, "db">, userId: string, albumId: string, ids: string[]): Promise<ItemResult[]> {
  const album = await getOwnAlbum(deps, userId, albumId);
  const candidates = uuidsAmong(ids);
  const owned = candidates.length
    ? await deps.db.execute<{ id: string }>(sql`
        with owned as (select id from ${images} where user_id = ${userId} and id = any(${sql.param(candidates)}::uuid[]) and deleted_at is null),
        added as (
          insert into ${albumImages} (album_id, image_id) select ${album.id}, id from owned
          on conflict do nothing returning image_id
        ),
        touched as (update ${albums} set updated_at = date_trunc('milliseconds', now()) where id = ${album.id} and exists (select 1 from added))
        select id from owned`)
    : { rows: [] };
  return resultsFor(ids, new Set(owned.rows.map((row) => row.id)));
}

/**
 * Takes the user's images out of the album (never deleting them); an owned image that was not
 * in it is fine. A removed cover falls back to the album's first image.
 */
export async function removeImagesFromAlbum(deps: Pick<Deps, "db">, userId: string, albumId: string, ids: string[]): Promise<ItemResult[]> {
  const album = await getOwnAlbum(deps, userId, albumId);
  const candidates = uuidsAmong(ids);
  const owned = candidates.length
    ? await deps.db.execute<{ id: string }>(sql`
        with owned as (select id from ${images} where user_id = ${userId} and id = any(${sql.param(candidates)}::uuid[])),
        removed as (
          delete from ${albumImages} where album_id = ${album.id} and image_id in (select id from owned) returning image_id
        ),
        touched as (
          update ${albums} set updated_at = date_trunc('milliseconds', now()),
            cover_image_id = case when cover_image_id in (select image_id from removed) then null else cover_image_id end
          where id = ${album.id} and exists (select 1 from removed)
        )
        select id from owned`)
    : { rows: [] };
  return resultsFor(ids, new Set(owned.rows.map((row) => row.id)));
}

function resultsFor(ids: string[], owned: Set<string>): ItemResult[] {
  return distinctIds(ids).map((id) => (owned.has(id.toLowerCase()) ? itemOk(id) : itemFailed(id, imageNotFound())));
}
