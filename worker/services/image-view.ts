import type { Deps } from "../deps";
import type { Image } from "../db/schema";
import { presignGet, presignStableGet } from "./object-store";

/**
 * How a view's rendition URLs are signed. `stable`, for pages: the same URL from one request to
 * the next all day (presignStableGet), so the browser's cached copies are used again. `fresh`,
 * for links handed over rather than shown (the export): valid for FILE_URL_TTL, as the file URL.
 */
type RenditionUrls = "stable" | "fresh";

/**
 * The API's picture of an image: stored fields plus a freshly signed, short-lived file URL,
 * and once made, its renditions' URLs.
 */
export async function toImageView(deps: Pick<Deps, "config" | "s3">, image: Image, renditionUrls: RenditionUrls = "stable") {
  const ready = image.renditionsStatus === "done";
  const now = Date.now();
  const sign = (key: string) => (renditionUrls === "stable" ? presignStableGet(deps, key, now) : presignGet(deps, key, now).then((signed) => signed.url));
  const [{ url, expiresAt }, thumbUrl, displayUrl] = await Promise.all([
    presignGet(deps, image.key, now),
    ready && image.thumbKey ? sign(image.thumbKey) : null,
    ready && image.displayKey ? sign(image.displayKey) : null,
  ]);
  return {
    id: image.id,
    file_name: image.fileName,
    content_type: image.contentType,
    size: image.size,
    /** As displayed: EXIF orientation applied. */
    width: image.width,
    height: image.height,
    sha256: image.sha256,
    metadata_removed: image.metadataRemoved,
    /** "removed", "none_found" or "kept" (by the owner's choice); null for images stored before it was recorded. */
    metadata_status: image.metadataStatus,
    no_ai: image.noAi,
    /** The owner's star. */
    favorite: image.favorite,
    created_at: image.createdAt.toISOString(),
    /**
     * When the photo was taken, as the camera's clock showed it: "2024-05-06T07:08:09", with
     * "+02:00" appended when the file recorded its offset. Null when unknown. Private to the owner.
     */
    taken_at: image.takenAt ? localDateTime(image.takenAt, image.takenAtOffset) : null,
    /** The date the timeline files the image under ("2024-05-06"): taken_at's, else the upload's (UTC). */
    timeline_date: image.timelineAt.toISOString().slice(0, 10),
    file_url: url,
    /** When file_url stops working; so do thumb_url and display_url when signed `fresh`. */
    file_url_expires_at: expiresAt.toISOString(),
    /**
     * WebP, at most 720 px (thumb; 480 px before December 2026) and 2,048 px (display) a side; for a format browsers show that the
     * Images binding does not read (AVIF), both are the stored original, stripped on upload. Null
     * until renditions_status is done.
     */
    thumb_url: thumbUrl,
    display_url: displayUrl,
    /** The renditions' own widths, from their records: thumbs made before the bound rose to 720 px are 480 px. Null until made. */
    thumb_width: ready ? image.thumbWidth : null,
    display_width: ready ? image.displayWidth : null,
    renditions_status: image.renditionsStatus,
    /** Why renditions are failed or unsupported, a code (e.g. "unsupported_format", "side_too_long"); null otherwise. */
    renditions_error: image.renditionsStatus === "done" ? null : image.renditionsError,
    analysis_status: image.analysisStatus,
    analysis_attempts: image.analysisAttempts,
    analysis_error: image.analysisError,
    /** When a failed analysis will be tried again; null when it will not. */
    analysis_retry_at: image.analysisStatus === "failed" ? (image.nextAttemptAt?.toISOString() ?? null) : null,
    // `ai_description` is the original API's name; it stays equal to `description`.
    ai_description: image.description,
    description: image.description,
    alt_text: image.altText,
    tags: image.tags,
    text: image.extractedText,
    model: image.model,
    analyzed_at: image.analyzedAt?.toISOString() ?? null,
    prompt_hash: image.promptHash,
    edited_by_user: image.editedByUser,
  };
}

export type ImageView = Awaited<ReturnType<typeof toImageView>>;

/** The stored image a view is made from: routes that hold images before toImageView name it from here, never from db/. */
export type StoredImage = Image;

/** A wall-clock time held in a Date's UTC fields, in ISO 8601 without a zone unless the offset is known. */
function localDateTime(local: Date, offsetMinutes: number | null): string {
  const time = local.toISOString().slice(0, 19);
  if (offsetMinutes === null) return time;
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${time}${offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
