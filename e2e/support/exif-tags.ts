import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExifTool } from "exiftool-vendored";

/** ExifTool's tags for these bytes, `Group:Name` (every group, duplicates and unknown tags included). */
export async function exifToolTags(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), "e2e-exif-"));
  const exiftool = new ExifTool({ maxProcs: 1 });
  try {
    const path = join(dir, "file.bin");
    await writeFile(path, bytes);
    const { SourceFile: _source, ...tags } = await exiftool.readRaw(path, { readArgs: ["-G1", "-a", "-u"] });
    return tags;
  } finally {
    await exiftool.end();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The tags that say where a photo was taken. */
export const gpsTags = (tags: Record<string, unknown>) => Object.keys(tags).filter((key) => /(^|:)GPS/.test(key));
