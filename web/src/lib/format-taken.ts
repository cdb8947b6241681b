/**
 * taken_at is the camera's wall-clock time ("2024-05-06T07:08:09", "+02:00" when the file
 * recorded an offset): shown as that clock read, in no one's time zone, with the offset if known.
 */
export function formatTaken(takenAt: string): string {
  const [, clock, offset] = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(.*)$/.exec(takenAt) ?? [];
  if (!clock) return takenAt;
  const shown = new Date(`${clock}Z`).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  return offset ? `${shown} (UTC${offset})` : shown;
}
