import { createMiddleware } from "hono/factory";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../lib/errors";

/** JSON bodies only, and small: 415 for another type, 413 past the limit (streamed, not trusted). */
export function jsonBody(maxBytes = 16 * 1024) {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError(413, "payload_too_large", `Request body must be at most ${maxBytes} bytes`);
    },
  });
  return createMiddleware(async (c, next) => {
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      throw new AppError(415, "unsupported_media_type", "Content-Type must be application/json");
    }
    return limit(c, next);
  });
}
