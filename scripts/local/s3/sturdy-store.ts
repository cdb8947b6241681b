import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type S3rver from "s3rver";

const attempts = 5;

/**
 * s3rver keeps a key's "folders" as directories and removes a directory once a delete empties
 * it. A PUT under the same prefix at that moment (an image's renditions stored while the image
 * is deleted) then opened its file in a directory just removed: the write stream's ENOENT had no
 * listener and took the whole stand-in process down. Here a PUT buffers the body (the gate has
 * read it already), creates the directory and writes, again if the directory went meanwhile;
 * a delete whose tidy-up finds a directory gone or refilled has still deleted the object.
 */
export function makeStoreSturdy(store: S3rver["store"]) {
  store.putObject = async (object) => {
    const content = Buffer.isBuffer(object.content) ? object.content : await readAll(object.content);
    const md5 = createHash("md5").update(content).digest("hex");
    const objectPath = store.getResourcePath(object.bucket, object.key, "object");
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dirname(objectPath), { recursive: true });
        await writeFile(objectPath, content);
        await store.putMetadata(object.bucket, object.key, object.metadata, md5);
        return { size: content.length, md5 };
      } catch (error) {
        if (!isRace(error) || attempt === attempts) throw error;
      }
    }
  };
  const deleteObject = store.deleteObject.bind(store);
  store.deleteObject = async (bucket, key) => {
    await deleteObject(bucket, key).catch((error: unknown) => {
      if (!isRace(error)) throw error;
    });
  };
}

const isRace = (error: unknown) => ["ENOENT", "ENOTEMPTY"].includes((error as NodeJS.ErrnoException).code ?? "");

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
