import type { Context } from "hono";
import { Hono } from "./hono-app";
import { except } from "hono/combine";
import { createMiddleware } from "hono/factory";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import type { Deps } from "../deps";
import { requireUser } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { readImageParts } from "../middleware/multipart";
import { noStore } from "../middleware/no-store";
import { clientAddress, limitAnalyses, limitByEmail, limitByIp } from "../middleware/rate-limit";
import { uploadBodyLimit } from "../middleware/upload-body-limit";
import { validate } from "../middleware/validate";
import { loginUser, registerUser, type StoredUser } from "../services/accounts";
import { analyzeNowIfNeeded } from "../services/analysis-requests";
import { storeUploads } from "../services/image-batch";
import { listImages } from "../services/image-queries";
import { type StoredImage, toImageView } from "../services/image-view";
import { loginInput, registerInput } from "./auth-input";
import { listInput } from "./image-input";

/**
 * The original Flask system's contract (github.com/Irshad-Ahmaed/Aizen-Assignment), kept so its
 * React frontend and scripts work unchanged: the same services, validation and rate limits as
 * the modern routes, answered in the original messages and shapes. Errors stay `{message, code}`.
 */

/** An image as the original listed it. */
async function originalImage(deps: Pick<Deps, "config" | "s3">, image: StoredImage) {
  const { id, file_name, file_url, ai_description } = await toImageView(deps, image);
  return { id, file_name, file_url, ai_description };
}

/**
 * The original listed every image in one answer. Unbounded, a large account would outgrow the
 * request's CPU (a presigned URL per image) and any browser showing them, so the newest
 * `originalListMax` come back, read in keyset pages of the modern listing's largest size.
 */
export const originalListMax = 500;
const listPageSize = 100;

async function listNewestImages(deps: Pick<Deps, "db">, userId: string) {
  const images: StoredImage[] = [];
  let cursor: string | undefined;
  do {
    const page = await listImages(deps, userId, { limit: Math.min(listPageSize, originalListMax - images.length), cursor });
    images.push(...page.images);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && images.length < originalListMax);
  return { images, truncated: cursor !== undefined };
}

/** `/api/v2`: the four calls the original frontend makes. */
export const originalApi = new Hono<AppEnv>()
  .use(noStore)
  .post("/auth/register", limitByIp("register"), jsonBody(), validate("json", registerInput), async (c) => {
    const input = c.req.valid("json");
    await limitByEmail(c, "register", input.email);
    await registerUser(c.var.deps, input);
    // The original frontend moves on to its login page only on exactly this message.
    return c.json({ message: "User registered successfully" }, 201);
  })
  .post("/auth/login", limitByIp("login"), jsonBody(), validate("json", loginInput), async (c) => {
    const input = c.req.valid("json");
    // The original had access tokens only: the new session's refresh token is never handed out and lapses unused.
    const { user, accessToken } = await loginUser(c.var.deps, input, {
      address: clientAddress(c),
      limitNewPlace: () => limitByEmail(c, "login", input.email),
    });
    // `user` is the username as text: the original frontend stores and renders it as a string.
    return c.json({ access_token: accessToken, user: user.username }, 200);
  })
  .post("/images/upload", requireUser, uploadBodyLimit, async (c) => {
    const outcome = await storeUploads(c.var.deps, c.var.user, await readImageParts(c.req.raw, c.var.deps.config.MAX_UPLOAD_BYTES));
    // The original answered 201 to every stored upload; the same bytes again are stored once.
    return c.json({ message: "File uploaded successfully", file_url: outcome.body.file_url }, 201);
  })
  .get("/images/list", requireUser, async (c) => {
    const { images, truncated } = await listNewestImages(c.var.deps, c.var.user.id);
    if (truncated) c.header("X-List-Truncated", "true");
    return c.json(await Promise.all(images.map((image) => originalImage(c.var.deps, image))), 200);
  });

const arrayPageInput = v.object({ ...listInput.entries, format: v.literal("array", "must be array or page") });

/** `?format=array` asks for the original bare array; no format, or `page`, is the modern listing's request. */
const isModernListing = (c: Context) => {
  const format = c.req.query("format");
  return !(c.req.method === "GET" || c.req.method === "HEAD") || format === undefined || format === "page";
};

/** One page of the modern listing (same limit, cursor, tag and q), as a bare array of the original's items. */
const bareArrayPage = createMiddleware<AppEnv & { Variables: { user: StoredUser } }, "/images", { out: { query: v.InferOutput<typeof arrayPageInput> } }>(
  async (c) => {
    const { limit, cursor, tag, q } = c.req.valid("query");
    const page = await listImages(c.var.deps, c.var.user.id, { limit, cursor, tag: tag || undefined, q: q || undefined });
    return c.json(await Promise.all(page.images.map((image) => originalImage(c.var.deps, image))), 200);
  },
);

/**
 * The original system's routes at the root, which clients of the first port of this service
 * use: `GET /images?format=array` and `GET /images/analyze/:id`. The bare array shares its path
 * and method with the modern listing, so it is a filter in front of it (mount this first).
 */
export const originalShapes = new Hono<AppEnv>()
  .use("/images", except(isModernListing, requireUser, validate("query", arrayPageInput), bareArrayPage))
  .get("/images/analyze/:id", requireUser, async (c) => {
    const image = await analyzeNowIfNeeded(c.var.deps, c.var.user, c.req.param("id"), () => limitAnalyses(c.env, c.var.user.id));
    return c.json(await toImageView(c.var.deps, image), 200);
  });
