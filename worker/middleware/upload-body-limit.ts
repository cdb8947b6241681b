import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/errors";

/** A request may carry a few images: three files at the limit and their parts' headers. */
export const uploadRequestLimit = (maxFileBytes: number) => maxFileBytes * 3 + 64 * 1024;

export const requestTooLarge = (maxSize: number) =>
  new AppError(413, "payload_too_large", `An upload request may be at most ${maxSize} bytes`);

/**
 * A request larger than that is refused from its Content-Length alone, before it is read.
 * Without one (chunked), readImageParts counts as it reads: hono's bodyLimit would first
 * hold the whole body in memory to measure it.
 */
export const uploadBodyLimit = createMiddleware<AppEnv>(async (c, next) => {
  const maxSize = uploadRequestLimit(c.var.deps.config.MAX_UPLOAD_BYTES);
  const length = c.req.header("content-length");
  if (length !== undefined && !c.req.header("transfer-encoding") && Number(length) > maxSize) throw requestTooLarge(maxSize);
  await next();
});
