import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { images, type User } from "../db/schema";
import { type ZipEntry, zipArchive, zipLimits } from "../lib/zip";
import { ZipNames } from "../lib/zip-names";
import { accountDocument } from "./account-export";
import { archiveTooLarge, imageEntry } from "./image-download";
import { inLibrary } from "./image-queries";
import { toImageView } from "./image-view";

/** Room per image for its headers, its name twice and its record in export.json. */
const overheadPerImage = 8 * 1024;

/**
 * The account export with the original files: `export.json` first (the JSON export's document,
 * each image's `file` naming its place in the archive instead of a signed URL that would expire),
 * then `images/<name>` for each image. Streamed with no length up front (the manifest is written
 * as it is read); `images` and `imageBytes` let a client show progress. A file deleted while the
 * export runs is left out and named in `missing-files.txt`.
 */
export async function exportAccountZip(deps: Deps, user: User) {
  const [totals] = await deps.db
    .select({ images: sql<number>`count(*)::int`, bytes: sql<number>`coalesce(sum(${images.size}), 0)::float8` })
    .from(images)
    .where(and(eq(images.userId, user.id), inLibrary));
  if (totals.images + 2 > zipLimits.entries || totals.bytes + totals.images * overheadPerImage + 1024 * 1024 > zipLimits.bytes) {
    throw archiveTooLarge("This account's export");
  }
  const names = new ZipNames();
  const files: (ZipEntry & { size: number })[] = [];
  const missing: string[] = [];
  const manifest = accountDocument(deps, user, async (image) => {
    const name = names.take(image.fileName, "images/");
    const entry = imageEntry(deps, image, name, "skip");
    // Only what the entry needs stays in memory until the files' turn: not the whole row.
    files.push({
      ...entry,
      async open() {
        const stream = await entry.open();
        if (!stream) missing.push(name);
        return stream;
      },
    });
    // The archive outlives any signed URL: each image names its entry instead (renditions are not exported).
    const { file_url: _url, file_url_expires_at: _expires, thumb_url: _thumb, display_url: _display, ...record } = await toImageView(deps, image);
    return { ...record, file: name };
  });
  const now = new Date();
  async function* entries(): AsyncGenerator<ZipEntry> {
    yield { name: "export.json", modifiedAt: now, open: async () => manifest };
    // The manifest has been read to its end by now (the writer finishes an entry before asking for the next).
    yield* files;
    if (missing.length) {
      const text = `Deleted while the export ran, so not in this archive:\n${missing.join("\n")}\n`;
      yield { name: "missing-files.txt", modifiedAt: now, open: async () => new Response(text).body };
    }
  }
  return { stream: zipArchive(entries()), images: totals.images, imageBytes: totals.bytes };
}
