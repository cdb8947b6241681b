import * as v from "valibot";
import { maxShareSeconds } from "../services/shares";

/** POST /images/:id/shares and /albums/:id/shares: how long the link works and, optionally, how many views it allows. */
export const shareInput = v.object({
  expires_in: v.pipe(v.number("must be a number of seconds"), v.integer("must be a whole number"), v.minValue(60, "must be at least 60"), v.maxValue(maxShareSeconds, `must be at most ${maxShareSeconds}`)),
  max_views: v.optional(v.pipe(v.number("must be a number"), v.integer("must be a whole number"), v.minValue(1, "must be at least 1"), v.maxValue(1_000_000, "must be at most 1000000"))),
});
