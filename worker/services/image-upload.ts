import { and, eq, isNull } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, type Image, type MetadataStatus, type User } from "../db/schema";
import type { Config } from "../env";
import { isUniqueViolation } from "../lib/db-errors";
import { crc32 } from "../lib/crc32";
import { AppError } from "../lib/errors";
import { sanitizeFileName } from "../lib/file-name";
import { bytesToHex } from "../lib/sha256";
import { type InspectedImage, inspectImage } from "../images/inspect-stream";
import type { ImageFormat } from "../images/sniff";
import { stripMetadata } from "../images/strip-stream";
import { analysisStatusFor } from "./analysis-requests";
import { imageColumns } from "./image-queries";
import { deleteObject, putObject } from "./object-store";
import { recordFailedDeletion } from "./object-cleanup";
import { sendJobs } from "./send-jobs";

const maxImageSide = 12_000;
const maxImagePixels = 50_000_000;

export interface UploadedFile {
  name: string | undefined;
  bytes: Uint8Array;
}

/** Per-upload privacy choices; undefined means "use the account default". */
export interface UploadOptions {
  keepMetadata?: boolean;
  noAi?: boolean;
}

export interface StoredImage {
  image: Image;
  duplicate: boolean;
}

const databaseUnavailable = (cause?: unknown) =>
  new AppError(503, "database_unavailable", "The image could not be saved; try again shortly", {
    cause,
    headers: { "Retry-After": "5" },
  });

/** Every check a client can fail, before any byte is stored. */
async function inspectUpload(bytes: Uint8Array, maxBytes: number) {
  if (bytes.length === 0) throw new AppError(400, "empty_file", "The file is empty");
  if (bytes.length > maxBytes) {
    throw new AppError(413, "file_too_large", `Images may be at most ${maxBytes} bytes`);
  }
  const sniffed = await inspectImage(bytes);
  if (!sniffed.ok) {
    if (sniffed.reason === "unsupported") {
      throw new AppError(415, "unsupported_type", "Only JPEG, PNG, WebP, GIF, AVIF and HEIC images are accepted");
    }
    throw new AppError(400, sniffed.reason === "truncated" ? "truncated_file" : "corrupt_file", sniffed.message);
  }
  const { width, height } = sniffed.image;
  if (width > maxImageSide || height > maxImageSide || width * height > maxImagePixels) {
    throw new AppError(422, "image_too_large", `Images may be at most ${maxImageSide} px a side and ${maxImagePixels / 1e6} megapixels`);
  }
  return sniffed.image;
}

/**
 * Stores one upload: object first, then its row. The duplicate check runs while the object
 * is PUT (a duplicate is rare, a round trip before every PUT is not): when it finds one, the
 * object just stored is deleted again and the earlier image answers, as before. A failed
 * insert deletes the object too, so a client error or an outage never leaves an object
 * without its row. A new image's follow-up work is one message to the job queue: its renditions
 * job, which sends the analysis job when it is done. Nothing else runs on the request's time.
 */
export async function storeUpload(
  deps: Deps,
  user: Pick<User, "id" | "keepMetadata" | "neverSendToAi">,
  file: UploadedFile,
  options: UploadOptions = {},
): Promise<StoredImage> {
  const userId = user.id;
  const sniffed = await inspectUpload(file.bytes, deps.config.MAX_UPLOAD_BYTES);
  const stripped = await removeMetadata(file.bytes, sniffed.format, options.keepMetadata ?? user.keepMetadata);
  const bytes = stripped.bytes;
  const noAi = user.neverSendToAi || options.noAi === true;
  const digest = await sha256Hex(bytes);

  const fileName = sanitizeFileName(file.name, sniffed.extension);
  const key = `users/${userId}/${crypto.randomUUID()}.${sniffed.extension}`;
  const [existing, put] = await Promise.allSettled([
    findBySha256(deps, userId, digest),
    putObject(deps, key, bytes, { contentType: sniffed.contentType, fileName, sha256Hex: digest }),
  ]);
  if (existing.status === "fulfilled" && existing.value) {
    if (put.status === "fulfilled") await compensate(deps, key);
    return { image: existing.value, duplicate: true };
  }
  if (put.status === "rejected") throw put.reason;
  if (existing.status === "rejected") {
    await compensate(deps, key);
    throw existing.reason;
  }

  let image: Image;
  try {
    [image] = await deps.db
      .insert(images)
      .values(newImageRow(deps.config, { userId, key, fileName, sniffed, bytes: bytes.length, sha256: digest, crc32: crc32(bytes), stripped, noAi }))
      .returning(imageColumns);
  } catch (error) {
    await compensate(deps, key);
    // The same bytes raced in through another request: theirs won, ours is gone again.
    if (isUniqueViolation(error, "images_user_sha256_key")) {
      const winner = await findBySha256(deps, userId, digest);
      if (winner) return { image: winner, duplicate: true };
    }
    throw databaseUnavailable(error);
  }
  await sendJobs(deps, [{ kind: "renditions", imageId: image.id, attempt: 1 }]);
  return { image, duplicate: false };
}

/** What a new image's row says, for an upload through the worker and a direct upload alike. */
export function newImageRow(
  config: Pick<Config, "GEMINI_API_KEY">,
  image: {
    userId: string;
    key: string;
    fileName: string;
    sniffed: Pick<InspectedImage, "contentType" | "displayWidth" | "displayHeight" | "capturedAt">;
    bytes: number;
    sha256: string;
    crc32: number;
    stripped: { removed: string[]; status: MetadataStatus };
    noAi: boolean;
  },
): typeof images.$inferInsert {
  const { sniffed, stripped } = image;
  return {
    userId: image.userId,
    key: image.key,
    fileName: image.fileName,
    contentType: sniffed.contentType,
    size: image.bytes,
    // The size as shown: a phone's portrait photo is stored landscape with an orientation tag.
    width: sniffed.displayWidth,
    height: sniffed.displayHeight,
    sha256: image.sha256,
    crc32: image.crc32,
    metadataRemoved: stripped.removed,
    metadataStatus: stripped.status,
    // Read from the upload as it came: stripping (unless kept) removes it from the stored file.
    takenAt: sniffed.capturedAt?.local ?? null,
    takenAtOffset: sniffed.capturedAt?.offsetMinutes ?? null,
    noAi: image.noAi,
    analysisStatus: analysisStatusFor(config, image.noAi),
  };
}

/**
 * Location, camera details and everything else that is not the picture go before
 * anything is stored or hashed, unless the owner keeps them. A file whose structure
 * the stripper cannot follow is refused rather than stored with what it may carry.
 */
async function removeMetadata(bytes: Uint8Array, format: ImageFormat, keep: boolean) {
  if (keep) return { bytes, removed: [], status: "kept" as const };
  const stripped = await stripMetadata(bytes, format);
  if (!stripped.ok) {
    throw new AppError(422, "metadata_unreadable", `${stripped.message} Upload it with keep_metadata=true to store it as it is.`);
  }
  return { ...stripped, status: stripped.removed.length > 0 ? ("removed" as const) : ("none_found" as const) };
}

/** WebCrypto's native digest: several times faster than a JS SHA-256 on megabytes. */
async function sha256Hex(bytes: Uint8Array) {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

export async function findBySha256(deps: Pick<Deps, "db">, userId: string, digest: string) {
  try {
    const [row] = await deps.db
      .select(imageColumns)
      .from(images)
      // A copy in the trash does not count: the same bytes uploaded again are a new image in the library.
      .where(and(eq(images.userId, userId), eq(images.sha256, digest), isNull(images.deletedAt)));
    return row;
  } catch (error) {
    throw databaseUnavailable(error);
  }
}

async function compensate(deps: Deps, key: string) {
  try {
    await deleteObject(deps, key);
  } catch (error) {
    // The database may be down too; then the sweep's orphan scan removes the object.
    await recordFailedDeletion(deps, key, error).catch(() => {});
  }
}
