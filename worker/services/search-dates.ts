/**
 * A date typed into the search box: "2019", "october 2008", "oct 2008", "2008-10", "oct 22 2008",
 * "22 oct 2008", "october 22, 2008", "2008-10-22". Found among other words ("beach 2019"), it
 * becomes a period of timeline_at — the capture time as the camera's clock showed it, else the
 * upload time — which is the date the timeline files an image under, so "22 oct 2008" finds the
 * day the timeline shows as 22 October 2008. The other words are searched as text.
 */
export interface DateSearch {
  /** The query without the date: what is left to match as text ("" when nothing is). */
  words: string;
  /** Wall-clock bounds of timeline_at, start inclusive, end exclusive: "2008-10-01T00:00:00". */
  period?: { start: string; end: string };
}

const monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
/** Years a photo may be from: four digits outside it ("1234", "0010") are text, a file name's number say. */
const isYear = (token: string) => /^\d{4}$/.test(token) && Number(token) >= 1826 && Number(token) <= 2199;

/** 1–12 for "oct", "Oct.", "October", "sept": a full name or its first three letters, nothing else ("o", "octo"). */
function monthOf(token: string): number | undefined {
  const word = token.toLowerCase().replace(/\.$/, "");
  const index = monthNames.findIndex((name) => word === name || word === name.slice(0, 3));
  if (index >= 0) return index + 1;
  return word === "sept" ? 9 : undefined;
}

/** "22", "22nd", "1st": a day number. */
const dayOf = (token: string) => (/^\d{1,2}(st|nd|rd|th)?$/i.test(token) ? Number.parseInt(token, 10) : undefined);

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const stamp = (year: number, month: number, day: number) => {
  const date = new Date(Date.UTC(year, month - 1, day));
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T00:00:00`;
};
const isRealDay = (year: number, month: number, day: number) => day >= 1 && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;

type Found = { length: number; period: { start: string; end: string } };

const yearPeriod = (year: number) => ({ start: stamp(year, 1, 1), end: stamp(year + 1, 1, 1) });
const monthPeriod = (year: number, month: number) => ({ start: stamp(year, month, 1), end: stamp(year, month + 1, 1) });
const dayPeriod = (year: number, month: number, day: number) => ({ start: stamp(year, month, day), end: stamp(year, month, day + 1) });

/** The date starting at tokens[i], longest form first. */
function dateAt(tokens: string[], i: number): Found | undefined {
  const [a, b, c] = tokens.slice(i, i + 3);
  const iso = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$/.exec(a);
  if (iso && isYear(iso[1])) {
    const [year, month, day] = [Number(iso[1]), Number(iso[2]), iso[3] === undefined ? undefined : Number(iso[3])];
    if (month < 1 || month > 12) return undefined;
    if (day === undefined) return { length: 1, period: monthPeriod(year, month) };
    return isRealDay(year, month, day) ? { length: 1, period: dayPeriod(year, month, day) } : undefined;
  }
  // "oct 22 2008", "22 oct 2008"
  for (const [monthToken, dayToken] of [[a, b], [b, a]]) {
    const month = monthToken && monthOf(monthToken);
    const day = dayToken && dayOf(dayToken);
    if (month && day && c && isYear(c) && isRealDay(Number(c), month, day)) return { length: 3, period: dayPeriod(Number(c), month, day) };
  }
  const month = monthOf(a);
  if (month && b && isYear(b)) return { length: 2, period: monthPeriod(Number(b), month) };
  if (isYear(a)) return { length: 1, period: yearPeriod(Number(a)) };
  return undefined;
}

/** The first date in `q`, and the words around it; a query with no date is all words. */
export function parseDateSearch(q: string): DateSearch {
  const tokens = q.split(/\s+/).filter(Boolean);
  // "october 22, 2008": a comma is punctuation between a date's parts.
  const bare = tokens.map((token) => token.replace(/,$/, ""));
  for (let i = 0; i < bare.length; i++) {
    const found = dateAt(bare, i);
    if (found) return { words: [...tokens.slice(0, i), ...tokens.slice(i + found.length)].join(" "), period: found.period };
  }
  return { words: q };
}
