import type { Deps } from "../deps";
import type { Image } from "../db/schema";
import { presignGet } from "./object-store";

/** The API's picture of an image: stored fields plus a freshly signed, short-lived file URL. */
export async function toImageView(deps: Pick<Deps, "config" | "s3">, image: Image) {
  const { url, expiresAt } = await presignGet(deps, image.key);
  return {
    id: image.id,
    file_name: image.fileName,
    content_type: image.contentType,
    size: image.size,
    width: image.width,
    height: image.height,
    sha256: image.sha256,
    metadata_removed: image.metadataRemoved,
    /** "removed", "none_found" or "kept" (by the owner's choice); null for images stored before it was recorded. */
    metadata_status: image.metadataStatus,
    no_ai: image.noAi,
    created_at: image.createdAt.toISOString(),
    file_url: url,
    file_url_expires_at: expiresAt.toISOString(),
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
