import * as v from "valibot";
import { toWellFormed } from "../lib/text";
import { fromQuery, pageQuery } from "./collection-input";

// Postgres text can hold neither NUL nor lone surrogates: refuse the first, mend the second.
const noNul = v.check((s: string) => !s.includes("\u0000"), "must not contain NUL characters");
const wellFormed = v.transform(toWellFormed);

/** One page of the listing: the modern GET /images and the original bare-array page read the same query. */
export const listInput = v.object({
  ...pageQuery,
  tag: v.optional(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(64, "must be at most 64 characters"), noNul, wellFormed)),
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200, "must be at most 200 characters"), noNul, wellFormed)),
  from: fromQuery,
  /** A page's prev_cursor: the images just newer than it (scrolling up a timeline that started at a month). */
  before: pageQuery.cursor,
  /** ?favorite=true: only starred images; false: only the others. */
  favorite: v.optional(v.pipe(v.picklist(["true", "false"], "must be true or false"), v.transform((flag) => flag === "true"))),
});
