import type { Deps } from "../deps";
import type { User } from "../db/schema";
import { AppError } from "../lib/errors";
import { storeUpload, type StoredImage, type UploadedFile, type UploadOptions } from "./image-upload";
import { toImageView, type ImageView } from "./image-view";
import type { Caller } from "./caller";

type FileResult =
  | { file_name: string | null; status: 200 | 201; duplicate: boolean; image: ImageView; file_url: string }
  | { file_name: string | null; status: number; error: { message: string; code: string } };

/**
 * The caller's row is read while the body is still arriving, not before: a token that is no
 * longer good still answers 401 whatever the body held, and nothing is stored without the row.
 */
export async function storeUploadsOf(deps: Deps, caller: Caller, reading: Promise<{ files: UploadedFile[]; options: UploadOptions }>) {
  const [user, upload] = await Promise.allSettled([caller.user(), reading]);
  if (user.status === "rejected") throw user.reason;
  if (upload.status === "rejected") throw upload.reason;
  return storeUploads(deps, user.value, upload.value);
}

/**
 * One file keeps the original contract (201 {message, file_url, image}; its error is the
 * response's error). Several files each get a result; the request fails only if all do.
 */
export async function storeUploads(deps: Deps, user: User, upload: { files: UploadedFile[]; options: UploadOptions }) {
  const { files, options } = upload;
  if (files.length === 1) {
    const stored = await storeUpload(deps, user, files[0], options);
    return { status: stored.duplicate ? (200 as const) : (201 as const), body: await singleBody(deps, stored) };
  }
  const results: FileResult[] = [];
  for (const file of files) {
    try {
      const stored = await storeUpload(deps, user, file, options);
      const image = await toImageView(deps, stored.image);
      results.push({ file_name: file.name ?? null, status: stored.duplicate ? 200 : 201, duplicate: stored.duplicate, image, file_url: image.file_url });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.push({ file_name: file.name ?? null, status: error.status, error: { message: error.message, code: error.code } });
    }
  }
  const firstStored = results.find((r) => "image" in r);
  const stored = results.filter((r) => "image" in r).length;
  if (!firstStored || !("image" in firstStored)) {
    const first = results[0] as Extract<FileResult, { error: unknown }>;
    throw new AppError(first.status as 400, first.error.code, `No image was stored: ${first.error.message}`);
  }
  return {
    status: 201 as const,
    body: {
      message: `${stored} of ${files.length} images stored`,
      file_url: firstStored.file_url,
      image: firstStored.image,
      duplicate: firstStored.duplicate,
      results,
    },
  };
}

async function singleBody(deps: Deps, stored: StoredImage) {
  const image = await toImageView(deps, stored.image);
  return {
    message: stored.duplicate ? "Image already uploaded" : "Image uploaded",
    file_url: image.file_url,
    image,
    duplicate: stored.duplicate,
  };
}
