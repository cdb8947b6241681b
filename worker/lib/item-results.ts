import type { AppError } from "./errors";
import { isUuid } from "./text";

/** One item of a call that acts on several: it worked, or why it did not (a code the client may branch on). */
export type ItemResult = { id: string; status: "ok" } | { id: string; status: "failed"; code: string; message: string };

export const itemOk = (id: string): ItemResult => ({ id, status: "ok" });

export const itemFailed = (id: string, error: AppError): ItemResult => ({ id, status: "failed", code: error.code, message: error.message });

/** The body of every many-item answer: each item's outcome in the order asked, and the counts. */
export function summarise(results: ItemResult[]) {
  const succeeded = results.filter((result) => result.status === "ok").length;
  return { results, summary: { succeeded, failed: results.length - succeeded } };
}

/** Each id once (UUIDs ignoring case), in the order first given, as sent. */
export function distinctIds(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = isUuid(id) ? id.toLowerCase() : id;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The distinct ids that can be ids of ours, lower-cased as Postgres returns them; the rest fail as not found. */
export const uuidsAmong = (ids: string[]) => distinctIds(ids).filter(isUuid).map((id) => id.toLowerCase());
