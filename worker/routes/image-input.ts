import * as v from "valibot";
import { toWellFormed } from "../lib/text";

// Postgres text can hold neither NUL nor lone surrogates: refuse the first, mend the second.
const noNul = v.check((s: string) => !s.includes("\u0000"), "must not contain NUL characters");
const wellFormed = v.transform(toWellFormed);

/** One page of the listing: the modern GET /images and the original bare-array page read the same query. */
export const listInput = v.object({
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,3}$/, "must be a whole number from 1 to 100"), v.transform(Number), v.minValue(1, "must be a whole number from 1 to 100"), v.maxValue(100, "must be a whole number from 1 to 100")),
    "50",
  ),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(512, "is not one this API returned"))),
  tag: v.optional(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(64, "must be at most 64 characters"), noNul, wellFormed)),
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, "must be at most 200 characters"), noNul, wellFormed)),
});
