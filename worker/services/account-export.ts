import { asc, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { albumImages, albums, type Image, type User } from "../db/schema";
import { settingsOf } from "./account-settings";
import { toPublicUser } from "./accounts";
import { listImages } from "./image-queries";
import { toImageView } from "./image-view";

const pageSize = 100;

/**
 * The account's data as one JSON document, streamed page by page so an account with
 * thousands of images never sits in memory at once. Every URL in it (file, thumb, display) is
 * freshly signed for FILE_URL_TTL: a document saved to disk must not carry day-long links.
 */
export function exportAccount(deps: Deps, user: User): ReadableStream<Uint8Array> {
  return accountDocument(deps, user, (image) => toImageView(deps, image, "fresh"));
}

/**
 * The export document with each image written by `imageRecord` (a signed URL for the JSON
 * export, the file's place in the archive for the ZIP), then the albums by image id.
 */
export function accountDocument(deps: Deps, user: User, imageRecord: (image: Image) => Promise<object>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async start(controller) {
      const head = { exported_at: new Date().toISOString(), user: { ...toPublicUser(user), created_at: user.createdAt.toISOString() }, settings: settingsOf(user) };
      controller.enqueue(encoder.encode(`${JSON.stringify(head).slice(0, -1)},"images":[`));
      let cursor: string | undefined;
      let first = true;
      try {
        do {
          const page = await listImages(deps, user.id, { limit: pageSize, cursor });
          for (const image of page.images) {
            controller.enqueue(encoder.encode(`${first ? "" : ","}${JSON.stringify(await imageRecord(image))}`));
            first = false;
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        controller.enqueue(encoder.encode(`],"albums":${JSON.stringify(await albumsOf(deps, user.id))}}`));
        controller.close();
      } catch (error) {
        // A cut-off document must not pass for a complete one: fail the stream.
        controller.error(error);
      }
    },
  });
}

async function albumsOf(deps: Pick<Deps, "db">, userId: string) {
  const rows = await deps.db
    .select({
      id: albums.id,
      name: albums.name,
      coverImageId: albums.coverImageId,
      createdAt: albums.createdAt,
      imageIds: sql<string[]>`coalesce(array_agg(${albumImages.imageId} order by ${albumImages.addedAt}, ${albumImages.imageId}) filter (where ${albumImages.imageId} in (select id from images where deleted_at is null)), '{}')`,
    })
    .from(albums)
    .leftJoin(albumImages, eq(albumImages.albumId, albums.id))
    .where(eq(albums.userId, userId))
    .groupBy(albums.id)
    .orderBy(asc(albums.createdAt), asc(albums.id));
  return rows.map((album) => ({
    id: album.id,
    name: album.name,
    cover_image_id: album.coverImageId,
    image_ids: album.imageIds,
    created_at: album.createdAt.toISOString(),
  }));
}
