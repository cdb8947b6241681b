import { Hono } from "./hono-app";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/errors";
import { requireCaller, requireUploader } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { validate } from "../middleware/validate";
import {
  abortDirectUpload,
  completeDirectUpload,
  createDirectUpload,
  getDirectUpload,
  issueUploadEndpoint,
  listDirectUploadParts,
  signDirectUploadPart,
} from "../services/direct-uploads";

/** Uppy sends file.meta as `metadata`: strings mostly; a size, and the owner's two privacy choices, are read from it. */
const flag = v.optional(v.union([v.boolean(), v.pipe(v.picklist(["true", "false"]), v.transform((s) => s === "true"))]));
const byteCount = v.optional(
  v.union([
    v.pipe(v.number(), v.integer(), v.minValue(0)),
    v.pipe(v.string(), v.regex(/^\d{1,15}$/, "must be a whole number of bytes"), v.transform(Number)),
  ]),
);
/** How many parts the client will send, to have their URLs with the creation's answer (docs/api.md). */
const partCount = v.optional(
  v.union([
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)),
    v.pipe(v.string(), v.regex(/^[1-9]\d{0,4}$/, "must be a whole number of parts"), v.transform(Number), v.maxValue(10_000)),
  ]),
);
/** What the SPA read before stripping in the browser: the capture time as local wall time, its offset, what it removed. */
const browserFacts = {
  taken_at: v.optional(v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, "must be a local date-time like 2024-05-06T07:08:09"))),
  taken_at_offset_minutes: v.optional(
    v.pipe(v.string(), v.regex(/^[+-]?\d{1,4}$/, "must be whole minutes"), v.transform(Number), v.minValue(-14 * 60), v.maxValue(14 * 60)),
  ),
  stripped_in_browser: v.optional(v.pipe(v.string(), v.maxLength(1000))),
};
const createInput = v.object({
  filename: v.pipe(v.string("must be a file name"), v.maxLength(1024, "must be at most 1,024 characters")),
  type: v.pipe(v.string("must be a MIME type"), v.maxLength(100)),
  size: byteCount,
  metadata: v.optional(v.looseObject({ size: byteCount, part_count: partCount, keep_metadata: flag, no_ai: flag, ...browserFacts })),
});

const keyQuery = v.object({ key: v.pipe(v.string("key is required"), v.maxLength(300)) });

const completeInput = v.object({
  parts: v.pipe(
    v.array(
      v.object({
        PartNumber: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)),
        ETag: v.pipe(v.string(), v.maxLength(200)),
      }),
      "must be a list of {PartNumber, ETag}",
    ),
    v.minLength(1, "must list at least one part"),
    v.maxLength(10_000),
  ),
});

/**
 * Companion's S3 routes, as Uppy's @uppy/aws-s3 calls them in companionEndpoint mode
 * (`<endpoint>/s3/…`). Mounted twice: under /uploads with the bearer token, and under
 * /uploads/c/:capability for Uppy, whose requests carry no Authorization header.
 */
const companionRoutes = new Hono<AppEnv>()
  .use(requireUploader)
  .get("/s3/params", () => {
    // Uppy's single-request path is an S3 POST policy, which R2 does not implement.
    throw new AppError(400, "multipart_only", "Every file goes as a multipart upload here: set shouldUseMultipart: true");
  })
  .post("/s3/multipart", jsonBody(), validate("json", createInput), async (c) => {
    const input = c.req.valid("json");
    const upload = await createDirectUpload(c.var.deps, c.var.caller, {
      filename: input.filename,
      type: input.type,
      size: input.size ?? input.metadata?.size,
      keepMetadata: input.metadata?.keep_metadata,
      noAi: input.metadata?.no_ai,
      takenAt: input.metadata?.taken_at,
      takenAtOffsetMinutes: input.metadata?.taken_at_offset_minutes,
      strippedInBrowser: input.metadata?.stripped_in_browser,
      partCount: input.metadata?.part_count,
    });
    return c.json(upload, 200);
  })
  .get("/s3/multipart/:uploadId/:partNumber", validate("query", keyQuery), async (c) => {
    const signed = await signDirectUploadPart(c.var.deps, c.var.caller, c.req.valid("query").key, c.req.param("uploadId"), Number(c.req.param("partNumber")));
    return c.json(signed, 200);
  })
  .get("/s3/multipart/:uploadId", validate("query", keyQuery), async (c) =>
    c.json(await listDirectUploadParts(c.var.deps, c.var.caller, c.req.valid("query").key, c.req.param("uploadId")), 200),
  )
  .post("/s3/multipart/:uploadId/complete", validate("query", keyQuery), jsonBody(512 * 1024), validate("json", completeInput), async (c) => {
    const done = await completeDirectUpload(c.var.deps, c.var.caller, c.req.valid("query").key, c.req.param("uploadId"), c.req.valid("json").parts);
    return c.json(done, 200);
  })
  .delete("/s3/multipart/:uploadId", validate("query", keyQuery), async (c) => {
    await abortDirectUpload(c.var.deps, c.var.caller, c.req.valid("query").key, c.req.param("uploadId"));
    return c.body(null, 204);
  });

export const uploadRoutes = new Hono<AppEnv>()
  .route("/c/:capability", companionRoutes)
  .post("/capability", requireCaller, async (c) => c.json(await issueUploadEndpoint(c.var.deps, c.var.caller), 201))
  .get("/:id", requireCaller, async (c) => c.json(await getDirectUpload(c.var.deps, c.var.caller, c.req.param("id")), 200))
  .route("/", companionRoutes);
