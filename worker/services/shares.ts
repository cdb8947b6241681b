import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, shares, type Share } from "../db/schema";
import { AppError } from "../lib/errors";
import { isUuid } from "../lib/text";
import { getOwnImage, imageColumns } from "./image-queries";
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

/**
 * Opens a link and counts the view in the same statement, so concurrent visitors can
 * never exceed max_views. Expired, used up, revoked and unknown links look the same.
 */
export async function openShare(deps: Deps, token: string) {
  if (!/^[\w-]{43}$/.test(token)) return undefined;
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
    .returning({ imageId: shares.imageId });
  if (!opened[0]) return undefined;
  const [image] = await deps.db.select(imageColumns).from(images).where(eq(images.id, opened[0].imageId));
  return image;
}
