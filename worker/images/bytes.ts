/**
 * Bounds-aware reads shared by the image header parsers. Callers check lengths
 * first; these never throw (an index past the end reads as undefined → 0/NaN).
 */

export interface ImageSize {
  width: number;
  height: number;
}

/** Why a file that claims a format is refused; `detail` completes "This PNG file …". */
export interface Problem {
  reason: "truncated" | "corrupt";
  detail: string;
}

export const cutOff: Problem = { reason: "truncated", detail: "is cut off before its end." };

export const corrupt = (detail: string): Problem => ({ reason: "corrupt", detail });

export function isProblem<T extends object>(value: T | Problem): value is Problem {
  return "reason" in value;
}

/** A little zero padding after the end marker is common; anything more is a polyglot risk. */
export const maxZeroPadding = 16;

export function rejectDataAfterEnd(bytes: Uint8Array, end: number): Problem | undefined {
  const trailing = bytes.length - end;
  if (trailing > maxZeroPadding || bytes.subarray(end).some((byte) => byte !== 0)) {
    return corrupt("has data after the end of the image.");
  }
  return undefined;
}

export function ascii(bytes: Uint8Array, at: number, length = 4): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** A chunk or box type as the big-endian number it is stored as: comparing numbers beats building strings. */
export const fourcc = (type: string) =>
  ((type.charCodeAt(0) << 24) | (type.charCodeAt(1) << 16) | (type.charCodeAt(2) << 8) | type.charCodeAt(3)) >>> 0;

export const u16be = (bytes: Uint8Array, at: number) => (bytes[at] << 8) | bytes[at + 1];
export const u16le = (bytes: Uint8Array, at: number) => bytes[at] | (bytes[at + 1] << 8);
export const u24le = (bytes: Uint8Array, at: number) => bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
export const u32be = (bytes: Uint8Array, at: number) =>
  ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
export const u32le = (bytes: Uint8Array, at: number) => (u24le(bytes, at) | (bytes[at + 3] << 24)) >>> 0;
