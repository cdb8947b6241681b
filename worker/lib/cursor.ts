import { AppError } from "./errors";

/** Opaque keyset cursors: base64url JSON of the sort key of the last row seen. */
export function encodeCursor(parts: (string | number)[]): string {
  return btoa(JSON.stringify(parts)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string, shape: ("string" | "number")[]): (string | number)[] {
  try {
    const parts: unknown = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
    if (Array.isArray(parts) && parts.length === shape.length && parts.every((p, i) => typeof p === shape[i])) {
      return parts as (string | number)[];
    }
  } catch {
    // fall through to the same answer as a well-formed but wrong cursor
  }
  throw new AppError(400, "invalid_cursor", "cursor is not one this API returned", { field: "cursor" });
}
