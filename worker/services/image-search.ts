import { type SQL, sql } from "drizzle-orm";
import { images } from "../db/schema";

const maxWords = 10;
/** Ranks are ts_rank × 10⁶ below this, so a tier always outranks any rank of the tier under it. */
const tierSize = 100_000_000;

/**
 * What a search for `q` matches, and its score (an integer, so a keyset cursor carries it exactly):
 *
 * - whole words, stemmed, in any order, over description, tags, alt text, extracted text and
 *   file name (websearch syntax: "quoted phrases", OR, -word);
 * - or, unless that syntax is used, every typed word as it is being typed: a word prefix of
 *   those fields ("sun" finds sunset) or a piece of the file name ("olla" finds jolla.jpg,
 *   "DSCN0010" finds DSCN0010.jpg), case-insensitively.
 *
 * Score tiers, exact matches first: 3 when q is the file name (with or without its extension),
 * 2 when it is a tag, ignoring case; 1 for whole-word matches; 0 for prefixes and pieces.
 * Within a tier, ts_rank.
 */
export function searchFor(q: string): { where: SQL; score: SQL<number> } {
  const words = q.split(/\s+/).filter(Boolean).slice(0, maxWords);
  const websearch = sql`websearch_to_tsquery('english', ${q})`;
  const usesSyntax = /["]/.test(q) || words.some((word) => /^-/.test(word) || /^or$/i.test(word));
  const typed = usesSyntax ? [] : words.map(typedWord);
  const wholeWords = sql`${images.search} @@ ${websearch}`;
  const where = typed.length ? sql`(${wholeWords} or (${sql.join(typed.map((w) => w.matches), sql` and `)}))` : wholeWords;

  const prefixes = typed.flatMap((w) => (w.prefix ? [w.prefix] : []));
  const rankQuery = prefixes.length ? sql`(${websearch} || ${sql.join(prefixes, sql` && `)})` : websearch;
  const isName = sql`(lower(${images.fileName}) = lower(${q}) or lower(regexp_replace(${images.fileName}, '\\.[^.]*$', '')) = lower(${q}))`;
  const isTag = sql`lower(${q}) = any(${images.tags})`;
  const tier = sql`case when ${isName} then 3 when ${isTag} then 2 when ${wholeWords} then 1 else 0 end`;
  const score = sql<number>`((${tier}) * ${sql.raw(String(tierSize))}
    + least(round(ts_rank(${images.search}, ${rankQuery}) * 1000000), ${sql.raw(String(tierSize - 1))}))::int`;
  return { where, score };
}

/** One typed word: a prefix of a stemmed lexeme (when it has letters or digits) or a piece of the file name. */
function typedWord(word: string): { matches: SQL; prefix?: SQL } {
  const inName = sql`${images.fileName} ilike ${`%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`}`;
  // Letters and digits only: nothing to_tsquery could read as an operator.
  const tokens = word.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!tokens) return { matches: inName };
  const prefix = sql`to_tsquery('english', ${tokens.map((token) => `${token}:*`).join(" & ")})`;
  return { matches: sql`(${images.search} @@ ${prefix} or ${inName})`, prefix };
}
