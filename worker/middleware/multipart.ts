import { AppError } from "../lib/errors";
import type { UploadedFile, UploadOptions } from "../services/image-upload";

const maxFilesPerUpload = 10;

/**
 * The `image` parts of a multipart body. Anything a client can get wrong here is a
 * 4xx: another content type, a broken body, no `image` part, or a part that is not a file.
 */
export async function readImageParts(request: Request): Promise<{ files: UploadedFile[]; options: UploadOptions }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type) || !/boundary=/i.test(type)) {
    throw new AppError(415, "unsupported_media_type", "Send the image as multipart/form-data in a field named image");
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new AppError(400, "invalid_multipart", "The multipart body could not be read");
  }
  const parts = form.getAll("image");
  if (parts.length === 0) throw new AppError(400, "invalid_request", "Add the image in a field named image", { field: "image" });
  if (parts.length > maxFilesPerUpload) {
    throw new AppError(400, "too_many_files", `At most ${maxFilesPerUpload} images per request`, { field: "image" });
  }
  const files: UploadedFile[] = [];
  for (const part of parts) {
    if (typeof part === "string") throw new AppError(400, "invalid_request", "The image field must be a file", { field: "image" });
    files.push({ name: part.name || undefined, bytes: new Uint8Array(await part.arrayBuffer()) });
  }
  return { files, options: { keepMetadata: flag(form, "keep_metadata"), noAi: flag(form, "no_ai") } };
}

function flag(form: FormData, name: string): boolean | undefined {
  const value = form.get(name);
  if (value === null) return undefined;
  if (value === "true" || value === "false") return value === "true";
  throw new AppError(400, "invalid_request", `${name} must be true or false`, { field: name });
}
