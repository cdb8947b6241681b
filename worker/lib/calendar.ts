/** "2024-05" or "2024-05-17", a real month or day from 1900 to 9999 (what the timeline can jump to). */
export function isMonthOrDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(text);
  if (!match) return false;
  const [year, month, day = 1] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as [number, number, number?];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
