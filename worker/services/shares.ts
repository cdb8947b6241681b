import { and, desc, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { shares, type Share } from "../db/schema";
import { AppError } from "../lib/errors";
import { isUuid } from "../lib/text";
import { getOwnAlbum } from "./albums";
import { getOwnImage } from "./image-queries";
import { shareToken } from "./share-tickets";
import { hashOpaqueToken } from "./tokens";

export const maxShareSeconds = 30 * 24 * 60 * 60;

/** What a link shows: one image, or one album as it is when the link is opened. */
export interface ShareTarget {
  kind: "image" | "album";
  id: string;
}

const isOpen = (share: Share) =>
  share.revokedAt === null && share.expiresAt.getTime() > Date.now() && (share.maxViews === null || share.views < share.maxViews);

/** The link of an open share, when its token can still be derived (see `shareToken`). */
function shareUrl(deps: Pick<Deps, "config">, share: Share, origin: string): string | undefined {
  if (!isOpen(share)) return undefined;
  const token = shareToken(deps.config.JWT_SECRET_KEY, share.id);
  return hashOpaqueToken(token) === share.tokenHash ? `${origin}/s/${token}` : undefined;
}

const shareView = (share: Share, url?: string) => ({
  id: share.id,
  ...(url ? { url } : {}),
  expires_at: share.expiresAt.toISOString(),
  max_views: share.maxViews,
  views: share.views,
  revoked: share.revokedAt !== null,
  created_at: share.createdAt.toISOString(),
});

/** The target if it is the user's (404 image_not_found / album_not_found otherwise), and the column naming it. */
async function ownTarget(deps: Pick<Deps, "db">, userId: string, target: ShareTarget) {
  if (target.kind === "image") return { column: shares.imageId, id: (await getOwnImage(deps, userId, target.id)).id };
  return { column: shares.albumId, id: (await getOwnAlbum(deps, userId, target.id)).id };
}

/** A new link; the database keeps only its token's hash. Both kinds open at /s/<token>. */
export async function createShare(deps: Deps, userId: string, target: ShareTarget, input: { expires_in: number; max_views?: number }, origin: string) {
  const owned = await ownTarget(deps, userId, target);
  const id = crypto.randomUUID();
  const token = shareToken(deps.config.JWT_SECRET_KEY, id);
  const [share] = await deps.db
    .insert(shares)
    .values({
      id,
      ...(target.kind === "image" ? { imageId: owned.id } : { albumId: owned.id }),
      tokenHash: hashOpaqueToken(token),
      expiresAt: new Date(Date.now() + input.expires_in * 1000),
      maxViews: input.max_views ?? null,
    })
    .returning();
  return shareView(share, `${origin}/s/${token}`);
}

/** The target's links, newest first; each open one carries its `url` again, to copy. */
export async function listShares(deps: Deps, userId: string, target: ShareTarget, origin: string) {
  const owned = await ownTarget(deps, userId, target);
  const rows = await deps.db.select().from(shares).where(eq(owned.column, owned.id)).orderBy(desc(shares.createdAt));
  return rows.map((share) => shareView(share, shareUrl(deps, share, origin)));
}

export async function revokeShare(deps: Deps, userId: string, target: ShareTarget, shareId: string) {
  const owned = await ownTarget(deps, userId, target);
  if (!isUuid(shareId)) throw shareNotFound();
  const [row] = await deps.db
    .update(shares)
    .set({ revokedAt: sql`coalesce(${shares.revokedAt}, now())` })
    .where(and(eq(shares.id, shareId), eq(owned.column, owned.id)))
    .returning({ id: shares.id });
  if (!row) throw shareNotFound();
}

const shareNotFound = () => new AppError(404, "share_not_found", "No such share link");
