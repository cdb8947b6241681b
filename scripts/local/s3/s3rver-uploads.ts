import { readdir, readFile, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type S3rver from "s3rver";
import { S3Error } from "./s3-error";

/** A multipart upload s3rver started: its directory holds `key`, `metadata` and one file per part. */
export interface Upload {
  bucket: string;
  key: string;
  uploadId: string;
  dir: string;
}

export interface StoredPart {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: Date;
}

export interface UploadSummary {
  key: string;
  uploadId: string;
  initiated: Date;
}

// s3rver's upload ids: 16 random bytes in hex. Anything else could walk out of the uploads directory.
const uploadIdPattern = /^[0-9a-f]{32}$/;
const partFilePattern = /^\d+$/;
const bucketNamePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads and removes s3rver's multipart uploads where s3rver keeps them
 * (`<bucket>/._S3rver_uploads/<uploadId>/`), for what s3rver does not serve itself:
 * ListParts, AbortMultipartUpload, ListMultipartUploads, and the checks before UploadPart and
 * Complete (s3rver writes a part for any upload id, and completes whatever parts it is given).
 */
export class S3rverUploads {
  readonly #store: S3rver["store"];

  constructor(store: S3rver["store"]) {
    this.#store = store;
  }

  /** The upload `uploadId` of `key`, or 404 NoSuchUpload (also for an upload of another key). */
  async find(bucket: string, key: string, uploadId: string): Promise<Upload> {
    const uploadsDir = await this.#uploadsDir(bucket);
    const noSuchUpload = new S3Error(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.");
    if (!uploadIdPattern.test(uploadId)) throw noSuchUpload;
    const dir = join(uploadsDir, uploadId);
    const storedKey = await readFile(join(dir, "key"), "utf8").catch(ignoreMissing);
    if (storedKey !== key) throw noSuchUpload;
    return { bucket, key, uploadId, dir };
  }

  /**
   * The parts that arrived, by part number. A part still being written has no `.md5` file
   * yet (s3rver writes it last), so it has not arrived.
   */
  async parts(upload: Upload): Promise<StoredPart[]> {
    const names = await readdir(upload.dir).catch(ignoreMissing);
    const parts = await Promise.all(
      (names ?? [])
        .filter((name) => partFilePattern.test(name))
        .map(async (name): Promise<StoredPart | undefined> => {
          const path = join(upload.dir, name);
          const [md5, info] = await Promise.all([readFile(`${path}.md5`, "utf8").catch(ignoreMissing), stat(path).catch(ignoreMissing)]);
          if (md5 === undefined || info === undefined) return undefined;
          return { partNumber: Number(name), size: info.size, etag: `"${md5.trim()}"`, lastModified: info.mtime };
        }),
    );
    return parts.filter((part) => part !== undefined).sort((a, b) => a.partNumber - b.partNumber);
  }

  async abort(upload: Upload): Promise<void> {
    await rm(upload.dir, { recursive: true, force: true });
  }

  /** Every upload in progress in `bucket`, by key then upload id. */
  async list(bucket: string): Promise<UploadSummary[]> {
    const uploadsDir = await this.#uploadsDir(bucket);
    const ids = (await readdir(uploadsDir).catch(ignoreMissing)) ?? [];
    const uploads = await Promise.all(
      ids
        .filter((uploadId) => uploadIdPattern.test(uploadId))
        .map(async (uploadId): Promise<UploadSummary | undefined> => {
          const keyFile = join(uploadsDir, uploadId, "key");
          const [key, info] = await Promise.all([readFile(keyFile, "utf8").catch(ignoreMissing), stat(keyFile).catch(ignoreMissing)]);
          return key === undefined || info === undefined ? undefined : { key, uploadId, initiated: info.mtime };
        }),
    );
    return uploads
      .filter((upload) => upload !== undefined)
      .sort((a, b) => (a.key === b.key ? compare(a.uploadId, b.uploadId) : compare(a.key, b.key)));
  }

  async #uploadsDir(bucket: string): Promise<string> {
    const uploadsDir = this.#store.getResourcePath(bucket, undefined, "uploads");
    const bucketDir = bucketNamePattern.test(bucket) ? await stat(dirname(uploadsDir)).catch(ignoreMissing) : undefined;
    if (!bucketDir?.isDirectory()) throw new S3Error(404, "NoSuchBucket", "The specified bucket does not exist");
    return uploadsDir;
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
  throw error;
}
