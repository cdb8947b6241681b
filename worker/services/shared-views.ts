import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { albumImages, albums, images, shares } from "../db/schema";
import { isUuid } from "../lib/text";
import { imageColumns, inLibrary } from "./image-queries";
import { shareObjectFor, shareThumbFor } from "./rendition-keys";
import { isShareToken, isTicketFor, issueTicket, readTicket } from "./share-tickets";
import { hashOpaqueToken } from "./tokens";

/** How long the picture URLs a page view embeds work: long enough to load (an album: to browse), too short to pass around. */
const imageTicketSeconds = 120;
const albumTicketSeconds = 15 * 60;
/** An album page shows at most this many pictures, newest first. */
const sharedAlbumLimit = 200;

const isLive = () => and(isNull(shares.revokedAt), sql`${shares.expiresAt} > now()`);
/** The link of this token, live and with a view left. */
const isOpenable = (token: string) =>
  and(eq(shares.tokenHash, hashOpaqueToken(token)), isLive(), sql`(${shares.maxViews} is null or ${shares.views} < ${shares.maxViews})`);

/**
 * Whether the link would open, counting nothing: a HEAD (a link checker, a mail scanner's
 * preview) must not spend a view of a link meant for a person.
 */
export async function isShareOpenable(deps: Pick<Deps, "db">, token: string): Promise<boolean> {
  if (!isShareToken(token)) return false;
  const [row] = await deps.db.select({ id: shares.id }).from(shares).where(isOpenable(token));
  return row !== undefined;
}

/**
 * Opens a link and counts the view in the same statement, so concurrent visitors can
 * never exceed max_views. Expired, used up, revoked and unknown links look the same.
 * The view gets a ticket for its own picture loads, which count no further view.
 */
export async function openShare(deps: Deps, token: string) {
  if (!isShareToken(token)) return undefined;
  const [opened] = await deps.db
    .update(shares)
    .set({ views: sql`${shares.views} + 1` })
    .where(isOpenable(token))
    .returning({ id: shares.id, imageId: shares.imageId, albumId: shares.albumId, views: shares.views });
  if (!opened) return undefined;
  const secret = deps.config.JWT_SECRET_KEY;
  if (opened.imageId) {
    const [image] = await deps.db.select(imageColumns).from(images).where(and(eq(images.id, opened.imageId), inLibrary));
    if (!image) return undefined;
    return { kind: "image" as const, image, ticket: issueTicket(secret, opened.id, opened.views, imageTicketSeconds) };
  }
  if (!opened.albumId) return undefined;
  // The album's name, size, newest pictures and chosen cover in one request, not four in a row.
  const [[album], [counted], shown, [chosenCover]] = await deps.db.batch([
    deps.db.select({ name: albums.name }).from(albums).where(eq(albums.id, opened.albumId)),
    deps.db
      .select({ count: sql<number>`count(*)::int` })
      .from(albumImages)
      .innerJoin(images, eq(images.id, albumImages.imageId))
      .where(and(eq(albumImages.albumId, opened.albumId), inLibrary)),
    deps.db
      .select(imageColumns)
      .from(albumImages)
      .innerJoin(images, eq(images.id, albumImages.imageId))
      .where(and(eq(albumImages.albumId, opened.albumId), inLibrary))
      .orderBy(desc(images.timelineAt), desc(images.id))
      .limit(sharedAlbumLimit),
    // The owner's cover while it is still in the album and the library, as the API's album view keeps it.
    deps.db
      .select(imageColumns)
      .from(albums)
      .innerJoin(albumImages, and(eq(albumImages.albumId, albums.id), eq(albumImages.imageId, albums.coverImageId)))
      .innerJoin(images, eq(images.id, albumImages.imageId))
      .where(and(eq(albums.id, opened.albumId), inLibrary)),
  ]);
  if (!album) return undefined;
  const pictures = shown.flatMap((image) => {
    const thumb = shareThumbFor(image);
    return thumb ? [{ id: image.id, altText: image.altText, thumb }] : [];
  });
  // The link preview: the chosen cover, else the first picture that may be shown.
  const preview = [chosenCover, ...shown].flatMap((image) => {
    const display = image && shareObjectFor(image);
    return display ? [{ id: image.id, altText: image.altText, width: display.width, height: display.height }] : [];
  })[0];
  return {
    kind: "album" as const,
    name: album.name,
    total: counted?.count ?? 0,
    pictures,
    preview,
    ticket: issueTicket(secret, opened.id, opened.views, albumTicketSeconds),
    ticketSeconds: albumTicketSeconds,
  };
}

/**
 * The picture of an image link's page view, checked on every request: the ticket is this
 * share's, unaltered and fresh, and the share itself is still neither revoked nor expired.
 */
export async function openSharedImage(deps: Deps, token: string, ticketText: string) {
  const ticket = readTicket(ticketText);
  if (!isShareToken(token) || !ticket) return undefined;
  const [row] = await deps.db
    .select({ id: shares.id, views: shares.views, image: imageColumns })
    .from(shares)
    .innerJoin(images, eq(images.id, shares.imageId))
    .where(and(eq(shares.tokenHash, hashOpaqueToken(token)), isLive(), inLibrary));
  if (!row || !isTicketFor(deps.config.JWT_SECRET_KEY, ticket, row)) return undefined;
  return shareObjectFor(row.image);
}

/**
 * One picture of an album link's page view, with the same checks, and only while the image is
 * in the album: an image taken out of it (or deleted) is gone from the link at once.
 */
export async function openSharedAlbumImage(deps: Deps, token: string, imageId: string, ticketText: string, size: "thumb" | "display") {
  const ticket = readTicket(ticketText);
  if (!isShareToken(token) || !ticket || !isUuid(imageId)) return undefined;
  const [row] = await deps.db
    .select({ id: shares.id, views: shares.views, image: imageColumns })
    .from(shares)
    .innerJoin(albumImages, eq(albumImages.albumId, shares.albumId))
    .innerJoin(images, eq(images.id, albumImages.imageId))
    .where(and(eq(shares.tokenHash, hashOpaqueToken(token)), isLive(), eq(albumImages.imageId, imageId), inLibrary));
  if (!row || !isTicketFor(deps.config.JWT_SECRET_KEY, ticket, row)) return undefined;
  return size === "thumb" ? shareThumbFor(row.image) : shareObjectFor(row.image);
}
