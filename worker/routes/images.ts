import { Hono } from "./hono-app";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { readImageParts } from "../middleware/multipart";
import { uploadBodyLimit } from "../middleware/upload-body-limit";
import { validate } from "../middleware/validate";
import { jsonBody } from "../middleware/json-body";
import { limits } from "../lib/ai-text";
import { updateImage } from "../services/image-edits";
import { createShare, listShares, revokeShare } from "../services/shares";
import { shareInput } from "./share-input";
import { requireCaller, withUser } from "../middleware/auth";
import { limitAnalyses } from "../middleware/rate-limit";
import { requestReanalysis } from "../services/analysis-requests";
import { getOwnImage, listImages, trashOwnImage } from "../services/image-queries";
import { storeUploadsOf } from "../services/image-batch";
import { toImageView } from "../services/image-view";
import { listTimelineMonths } from "../services/timeline";
import { bulkInput, idsInput } from "./collection-input";
import { zipDownload } from "./zip-response";
import { summarise } from "../lib/item-results";
import { runBulkAction } from "../services/image-bulk";
import { downloadImages } from "../services/image-download";
import { presignGet } from "../services/object-store";
import { listInput } from "./image-input";

const boundedText = (max: number) => v.pipe(v.string("must be a string"), v.check((s) => [...s].length <= max, `must be at most ${max} characters`));

const imagePatchInput = v.strictObject(
  {
    no_ai: v.optional(v.boolean("must be true or false")),
    description: v.optional(boundedText(limits.description)),
    alt_text: v.optional(boundedText(limits.altText)),
    tags: v.optional(v.pipe(v.array(boundedText(limits.tagLength), "must be a list of words"), v.maxLength(limits.tags, `may hold at most ${limits.tags} tags`))),
    favorite: v.optional(v.boolean("must be true or false")),
  },
  "only no_ai, description, alt_text, tags and favorite can be changed",
);

export const imageRoutes = new Hono<AppEnv>()
  .use(requireCaller)
  .post("/upload", uploadBodyLimit, async (c) => {
    const outcome = await storeUploadsOf(c.var.deps, c.var.caller, readImageParts(c.req.raw, c.var.deps.config.MAX_UPLOAD_BYTES));
    return c.json(outcome.body, outcome.status);
  })
  .get("/", validate("query", listInput), async (c) => {
    const query = c.req.valid("query");
    const page = await listImages(c.var.deps, c.var.caller, {
      limit: query.limit,
      cursor: query.cursor,
      tag: query.tag || undefined,
      q: query.q || undefined,
      from: query.from,
      before: query.before,
      favorite: query.favorite,
    });
    const views = await Promise.all(page.images.map((image) => toImageView(c.var.deps, image)));
    return c.json({ images: views, next_cursor: page.nextCursor, prev_cursor: page.prevCursor }, 200);
  })
  .get("/timeline", async (c) => c.json({ months: await listTimelineMonths(c.var.deps, c.var.caller) }, 200))
  .post("/bulk", withUser, jsonBody(), validate("json", bulkInput), async (c) => {
    const results = await runBulkAction(c.var.deps, c.var.user, c.req.valid("json"), () => limitAnalyses(c.env, c.var.user.id));
    return c.json(summarise(results), 200);
  })
  .post("/download", withUser, jsonBody(), validate("json", idsInput), async (c) => {
    const archive = await downloadImages(c.var.deps, c.var.user.id, c.req.valid("json").ids);
    const { body, headers } = zipDownload(archive, `images-${new Date().toISOString().slice(0, 10)}.zip`);
    return c.body(body, 200, headers);
  })
  .post("/:id/analyze", withUser, async (c) => {
    const queued = await requestReanalysis(c.var.deps, c.var.user, c.req.param("id"), () => limitAnalyses(c.env, c.var.user.id));
    return c.json({ message: "Analysis queued", ...queued }, 202);
  })
  .patch("/:id", withUser, jsonBody(), validate("json", imagePatchInput), async (c) => {
    const image = await updateImage(c.var.deps, c.var.user, c.req.param("id"), c.req.valid("json"), () => limitAnalyses(c.env, c.var.user.id));
    return c.json(await toImageView(c.var.deps, image), 200);
  })
  .post("/:id/shares", withUser, jsonBody(), validate("json", shareInput), async (c) => {
    const share = await createShare(c.var.deps, c.var.user.id, { kind: "image", id: c.req.param("id") }, c.req.valid("json"), new URL(c.req.url).origin);
    return c.json(share, 201);
  })
  .get("/:id/shares", withUser, async (c) => c.json({ shares: await listShares(c.var.deps, c.var.user.id, { kind: "image", id: c.req.param("id") }, new URL(c.req.url).origin) }, 200))
  .delete("/:id/shares/:shareId", withUser, async (c) => {
    await revokeShare(c.var.deps, c.var.user.id, { kind: "image", id: c.req.param("id") }, c.req.param("shareId"));
    return c.body(null, 204);
  })
  .get("/:id", async (c) => {
    const image = await getOwnImage(c.var.deps, c.var.caller, c.req.param("id"));
    return c.json(await toImageView(c.var.deps, image), 200);
  })
  .get("/:id/file", async (c) => {
    const image = await getOwnImage(c.var.deps, c.var.caller, c.req.param("id"));
    const { url } = await presignGet(c.var.deps, image.key);
    return c.redirect(url, 302);
  })
  .delete("/:id", withUser, async (c) => {
    await trashOwnImage(c.var.deps, c.var.user.id, c.req.param("id"));
    return c.body(null, 204);
  });
