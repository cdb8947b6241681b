import { and, eq, inArray } from "drizzle-orm";
import type { Deps } from "../deps";
import { type Image, images } from "../db/schema";
import { AppError } from "../lib/errors";
import { distinctIds, uuidsAmong } from "../lib/item-results";
import { type ZipEntry, zipArchive, zipLength, zipLimits } from "../lib/zip";
import { ZipNames } from "../lib/zip-names";
import { imageColumns, inLibrary } from "./image-queries";
import { openObject } from "./object-store";

export const archiveTooLarge = (what: string) =>
  new AppError(413, "archive_too_large", `${what} would be over the 4 GiB a ZIP without ZIP64 can hold; download fewer images at a time`);

/**
 * The user's chosen originals as one store-only ZIP, streamed from the bucket in the order
 * asked, with its exact length up front (for a progress bar). All or nothing: an id that is
 * not one of the user's images refuses the whole download (404) before a byte is sent.
 */
export async function downloadImages(deps: Pick<Deps, "config" | "db" | "s3">, userId: string, ids: string[]) {
  const wanted = uuidsAmong(ids);
  const rows = wanted.length
    ? await deps.db
        .select(imageColumns)
        .from(images)
        .where(and(eq(images.userId, userId), inArray(images.id, wanted), inLibrary))
    : [];
  const missing = distinctIds(ids).length - rows.length;
  if (missing > 0) throw new AppError(404, "image_not_found", `${missing} of these images do not exist (any more); nothing was downloaded`);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const names = new ZipNames();
  const entries = wanted.flatMap((id) => {
    const image = byId.get(id);
    return image ? [imageEntry(deps, image, names.take(image.fileName))] : [];
  });
  const length = zipLength(entries.map((entry) => ({ name: entry.name, size: entry.size ?? 0, crc32: entry.crc32 })));
  if (length > zipLimits.bytes) throw archiveTooLarge("These images");
  return { stream: zipArchive(entries), length };
}

/**
 * One image as a ZIP entry, dated when it was taken (else uploaded). Its CRC-32 comes from the
 * row when the upload recorded it; for older images it is computed while the bytes pass.
 * `onMissing: "skip"` leaves out an object that is gone; otherwise the archive fails.
 */
export function imageEntry(
  deps: Pick<Deps, "config" | "s3">,
  image: Pick<Image, "id" | "key" | "size" | "crc32" | "takenAt" | "createdAt">,
  name: string,
  onMissing: "fail" | "skip" = "fail",
): ZipEntry & { size: number } {
  const { id, key } = image;
  return {
    name,
    size: image.size,
    crc32: image.crc32 ?? undefined,
    modifiedAt: image.takenAt ?? image.createdAt,
    async open() {
      const stream = await openObject(deps, key);
      if (!stream && onMissing === "fail") throw new Error(`object of image ${id} is missing`);
      return stream;
    },
  };
}
