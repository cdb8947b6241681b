import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, shares, type Share } from "../db/schema";
import { base64Url } from "../lib/base64url";
import { AppError } from "../lib/errors";
import { equalInConstantTime, keyedHash } from "../lib/keyed-hash";
import { isUuid } from "../lib/text";
import { getOwnImage, imageColumns } from "./image-queries";
import { shareObjectFor } from "./rendition-keys";
import { hashOpaqueToken, newOpaqueToken } from "./tokens";

export const maxShareSeconds = 30 * 24 * 60 * 60;

const shareView = (share: Share, url?: string) => ({
  id: share.id,
  ...(url ? { url } : {}),
  expires_at: share.expiresAt.toISOString(),
  max_views: share.maxViews,
  views: share.views,
  revoked: share.revokedAt !== null,
  created_at: share.createdAt.toISOString(),
});

/** A new link: the token goes to the owner once; the database keeps only its hash. */
export async function createShare(deps: Deps, userId: string, imageId: string, input: { expires_in: number; max_views?: number }, origin: string) {
  await getOwnImage(deps, userId, imageId);
  const { token, hash } = newOpaqueToken();
  const [share] = await deps.db
    .insert(shares)
    .values({ imageId, tokenHash: hash, expiresAt: new Date(Date.now() + input.expires_in * 1000), maxViews: input.max_views ?? null })
    .returning();
  return shareView(share, `${origin}/s/${token}`);
}

export async function listShares(deps: Deps, userId: string, imageId: string) {
  await getOwnImage(deps, userId, imageId);
  const rows = await deps.db.select().from(shares).where(eq(shares.imageId, imageId)).orderBy(desc(shares.createdAt));
  return rows.map((share) => shareView(share));
}

export async function revokeShare(deps: Deps, userId: string, imageId: string, shareId: string) {
  await getOwnImage(deps, userId, imageId);
  if (!isUuid(shareId)) throw shareNotFound();
  const [row] = await deps.db
    .update(shares)
    .set({ revokedAt: sql`coalesce(${shares.revokedAt}, now())` })
    .where(and(eq(shares.id, shareId), eq(shares.imageId, imageId)))
    .returning({ id: shares.id });
  if (!row) throw shareNotFound();
}

const shareNotFound = () => new AppError(404, "share_not_found", "No such share link");

/** How long the image URL a page view embeds works: long enough to load it, too short to pass around. */
const imageTicketSeconds = 120;
const ticketPattern = /^(\d{1,12})\.(\d{1,9})\.([\w-]{43})$/;
const isShareToken = (token: string) => /^[\w-]{43}$/.test(token);

const ticketMac = (secret: string, shareId: string, view: number, expiresAt: number) =>
  base64Url(keyedHash(secret, "share-image", shareId, String(view), String(expiresAt)));

/** `<expiry>.<view>.<mac>`: this share's view number `view` may load the image until the expiry. */
function issueImageTicket(secret: string, shareId: string, view: number, now = Date.now()) {
  const expiresAt = Math.floor(now / 1000) + imageTicketSeconds;
  return `${expiresAt}.${view}.${ticketMac(secret, shareId, view, expiresAt)}`;
}

/**
 * Opens a link and counts the view in the same statement, so concurrent visitors can
 * never exceed max_views. Expired, used up, revoked and unknown links look the same.
 * The view gets a ticket for its own image load, which counts no further view.
 */
export async function openShare(deps: Deps, token: string) {
  if (!isShareToken(token)) return undefined;
  const opened = await deps.db
    .update(shares)
    .set({ views: sql`${shares.views} + 1` })
    .where(
      and(
        eq(shares.tokenHash, hashOpaqueToken(token)),
        isNull(shares.revokedAt),
        sql`${shares.expiresAt} > now()`,
        sql`(${shares.maxViews} is null or ${shares.views} < ${shares.maxViews})`,
      ),
    )
    .returning({ id: shares.id, imageId: shares.imageId, views: shares.views });
  if (!opened[0]) return undefined;
  const [image] = await deps.db.select(imageColumns).from(images).where(eq(images.id, opened[0].imageId));
  if (!image) return undefined;
  return { image, imageTicket: issueImageTicket(deps.config.JWT_SECRET_KEY, opened[0].id, opened[0].views) };
}

/**
 * The image of a page view, checked on every request: the ticket is this share's, unaltered
 * and fresh, and the share itself is still neither revoked nor expired. Counts no view.
 */
export async function openSharedImage(deps: Deps, token: string, ticket: string) {
  const parts = ticketPattern.exec(ticket);
  if (!isShareToken(token) || !parts) return undefined;
  const [expiresAt, view] = [Number(parts[1]), Number(parts[2])];
  if (expiresAt * 1000 <= Date.now()) return undefined;
  const [row] = await deps.db
    .select({ shareId: shares.id, views: shares.views, image: imageColumns })
    .from(shares)
    .innerJoin(images, eq(images.id, shares.imageId))
    .where(and(eq(shares.tokenHash, hashOpaqueToken(token)), isNull(shares.revokedAt), sql`${shares.expiresAt} > now()`));
  if (!row || view > row.views) return undefined;
  if (!equalInConstantTime(parts[3], ticketMac(deps.config.JWT_SECRET_KEY, row.shareId, view, expiresAt))) return undefined;
  return shareObjectFor(row.image);
}
