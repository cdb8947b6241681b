import { and, desc, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { shares, type Share } from "../db/schema";
import { AppError } from "../lib/errors";
import { isUuid } from "../lib/text";
import { getOwnAlbum } from "./albums";
import { getOwnImage } from "./image-queries";
import { newOpaqueToken } from "./tokens";

export const maxShareSeconds = 30 * 24 * 60 * 60;

/** What a link shows: one image, or one album as it is when the link is opened. */
export interface ShareTarget {
  kind: "image" | "album";
  id: string;
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

/** A new link: the token goes to the owner once; the database keeps only its hash. Both kinds open at /s/<token>. */
export async function createShare(deps: Deps, userId: string, target: ShareTarget, input: { expires_in: number; max_views?: number }, origin: string) {
  const owned = await ownTarget(deps, userId, target);
  const { token, hash } = newOpaqueToken();
  const [share] = await deps.db
    .insert(shares)
    .values({
      ...(target.kind === "image" ? { imageId: owned.id } : { albumId: owned.id }),
      tokenHash: hash,
      expiresAt: new Date(Date.now() + input.expires_in * 1000),
      maxViews: input.max_views ?? null,
    })
    .returning();
  return shareView(share, `${origin}/s/${token}`);
}

export async function listShares(deps: Deps, userId: string, target: ShareTarget) {
  const owned = await ownTarget(deps, userId, target);
  const rows = await deps.db.select().from(shares).where(eq(owned.column, owned.id)).orderBy(desc(shares.createdAt));
  return rows.map((share) => shareView(share));
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
