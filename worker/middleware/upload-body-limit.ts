import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/errors";

/** A request may carry a few images; anything larger is refused from Content-Length alone. */
export const uploadBodyLimit = createMiddleware<AppEnv>(async (c, next) => {
  const maxSize = c.var.deps.config.MAX_UPLOAD_BYTES * 3 + 64 * 1024;
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError(413, "payload_too_large", `An upload request may be at most ${maxSize} bytes`);
    },
  })(c, next);
});
