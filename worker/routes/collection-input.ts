import * as v from "valibot";
import { isMonthOrDay } from "../lib/calendar";
import { toWellFormed } from "../lib/text";

/** Inputs shared by the routes that list or act on many images and albums. */

const limitMessage = "must be a whole number from 1 to 100";

/** ?limit=1…100 (default 50) and an opaque ?cursor from the previous page. */
export const pageQuery = {
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, limitMessage), v.transform(Number), v.minValue(1, limitMessage), v.maxValue(100, limitMessage)), "50"),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(512, "is not one this API returned"))),
};

/** ?from=2024-05 or 2024-05-17: where in the timeline a listing starts. */
export const fromQuery = v.optional(v.pipe(v.string(), v.check(isMonthOrDay, "must be a month (2024-05) or a day (2024-05-17)")));

/** Up to 100 image ids; an id that is not one of the caller's images fails on its own (image_not_found), never the request. */
const maxIdsPerCall = 100;
const imageIds = v.pipe(
  v.array(v.pipe(v.string("must be a list of image ids"), v.maxLength(64, "must be a list of image ids")), "must be a list of image ids"),
  v.minLength(1, "must name at least one image"),
  v.maxLength(maxIdsPerCall, `may name at most ${maxIdsPerCall} images`),
);

export const idsInput = v.strictObject({ ids: imageIds }, "only ids is accepted");

/** A name people type: no control or bidi characters, spaces collapsed, 1–100 characters. */
export const displayName = v.pipe(
  v.string("must be a string"),
  v.transform((name: string) => toWellFormed(name).normalize("NFC").replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, " ").replace(/\s+/g, " ").trim()),
  v.minLength(1, "must not be empty"),
  v.check((name: string) => [...name].length <= 100, "must be at most 100 characters"),
);

const albumId = v.pipe(v.string("must be an album id"), v.maxLength(64, "must be an album id"));

/** POST /images/bulk: one action for up to 100 images. */
export const bulkInput = v.variant(
  "action",
  [
    v.strictObject({ action: v.literal("delete"), ids: imageIds }, "delete takes only ids"),
    v.strictObject({ action: v.literal("set_no_ai"), ids: imageIds, no_ai: v.boolean("must be true or false") }, "set_no_ai takes ids and no_ai"),
    v.strictObject({ action: v.literal("add_to_album"), ids: imageIds, album_id: albumId }, "add_to_album takes ids and album_id"),
    v.strictObject({ action: v.literal("remove_from_album"), ids: imageIds, album_id: albumId }, "remove_from_album takes ids and album_id"),
  ],
  "must be delete, set_no_ai, add_to_album or remove_from_album",
);
