import { hmacSha256 } from "./sha256";

const encoder = new TextEncoder();

/**
 * HMAC-SHA256 of `parts` under `secret`, separated by `purpose`, so one secret serves
 * several keyed hashes that can never stand in for one another. The parts are encoded as a
 * JSON array: ("a:b", "c") and ("a", "b:c") never collide.
 */
export function keyedHash(secret: string, purpose: string, ...parts: string[]): Uint8Array {
  return hmacSha256(encoder.encode(secret), encoder.encode(JSON.stringify([purpose, ...parts])));
}

/** Compares two strings of one kind (hex, base64url) without leaking where they first differ. */
export function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
