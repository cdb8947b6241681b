import { and, eq } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, type AnalysisStatus, type MetadataStatus } from "../db/schema";
import { deleteObjectOrQueue } from "./object-cleanup";
import { putObject } from "./object-store";
import type { Rendition } from "./render-renditions";
import { type RenditionKind, renditionKey } from "./rendition-keys";

/** What a renditions attempt records once it has claimed an image; renditions.ts claims, retries and runs the jobs. */
type RenditionDeps = Pick<Deps, "config" | "db" | "s3" | "images">;

/** Renditions are immutable under their key: browsers may keep them as long as they like. */
const renditionCacheControl = "private, max-age=31536000, immutable";

/** An image as a renditions attempt claimed it; its attempt number fences what the attempt writes. */
export interface ClaimedRendition {
  id: string;
  key: string;
  fileName: string;
  contentType: string;
  size: number;
  width: number;
  height: number;
  metadataStatus: MetadataStatus | null;
  attempts: number;
  analysisStatus: AnalysisStatus;
}

/** Writes only while this attempt still holds the image: a newer attempt's outcome is never overwritten. */
export const fenced = (claimed: ClaimedRendition) =>
  and(eq(images.id, claimed.id), eq(images.renditionsStatus, "pending"), eq(images.renditionsAttempts, claimed.attempts));

export function store(deps: RenditionDeps, claimed: ClaimedRendition, kind: RenditionKind, rendition: Rendition) {
  return crypto.subtle.digest("SHA-256", rendition.bytes).then((digest) =>
    putObject(deps, renditionKey(claimed.key, kind), rendition.bytes, {
      contentType: "image/webp",
      fileName: `${claimed.fileName.replace(/\.[^.]*$/, "")}.webp`,
      sha256Hex: Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""),
      cacheControl: renditionCacheControl,
    }),
  );
}

/** Done: no error, no lease, nothing due. */
const settledDone = { renditionsStatus: "done", renditionsError: null, renditionsLeaseUntil: null, renditionsNextAttemptAt: null } as const;

export async function complete(deps: RenditionDeps, claimed: ClaimedRendition, made: { display: Rendition; thumb: Rendition }) {
  const { display, thumb } = made;
  // Rows from before renditions hold the stored size; the display rendition shows how it is turned.
  const turned = (claimed.width - claimed.height) * (display.width - display.height) < 0;
  const [row] = await deps.db
    .update(images)
    .set({
      ...settledDone,
      thumbKey: renditionKey(claimed.key, "thumb"),
      thumbSize: thumb.bytes.length,
      thumbWidth: thumb.width,
      thumbHeight: thumb.height,
      displayKey: renditionKey(claimed.key, "display"),
      displaySize: display.bytes.length,
      displayWidth: display.width,
      displayHeight: display.height,
      ...(turned ? { width: claimed.height, height: claimed.width } : {}),
    })
    .where(fenced(claimed))
    .returning({ id: images.id });
  if (row) return;
  // Deleted while we worked: what we just stored belongs to nobody. (Taken over instead: the
  // newer attempt writes the same keys.)
  const [stillThere] = await deps.db.select({ id: images.id }).from(images).where(eq(images.id, claimed.id));
  if (!stillThere) {
    await Promise.all((["thumb", "display"] as const).map((kind) => deleteObjectOrQueue(deps, renditionKey(claimed.key, kind))));
  }
}

/**
 * The stored original as the display copy and the thumb, for a format browsers show that the
 * binding does not read: upload stripped it already (planRenditions never picks one that kept
 * its metadata). Nothing is made or stored, so a deletion has nothing more to remove.
 */
export async function showOriginal(deps: RenditionDeps, claimed: ClaimedRendition) {
  const { key, size, width, height } = claimed;
  await deps.db
    .update(images)
    .set({
      ...settledDone,
      thumbKey: key,
      thumbSize: size,
      thumbWidth: width,
      thumbHeight: height,
      displayKey: key,
      displaySize: size,
      displayWidth: width,
      displayHeight: height,
    })
    .where(fenced(claimed));
}

/** Unsupported for good, with the reason (a code): never retried. */
export async function markUnsupported(deps: RenditionDeps, claimed: ClaimedRendition, reason: string) {
  await deps.db
    .update(images)
    .set({ renditionsStatus: "unsupported", renditionsError: reason, renditionsLeaseUntil: null, renditionsNextAttemptAt: null })
    .where(fenced(claimed));
}

