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

/** Each id once, in the order first given; those that cannot be ids of ours are set apart (they fail as not found). */
export function distinctIds(ids: string[]): { ids: string[]; malformed: string[] } {
  const unique = [...new Set(ids)];
  return { ids: unique.filter(isUuid), malformed: unique.filter((id) => !isUuid(id)) };
}
