import { argon2id } from "./argon2id";
import { acceptedParams, currentParams, type ArgonParams } from "./password-params";

const saltBytes = 16;
const hashBytes = 32;
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
const unb64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

function hash(password: string, params: ArgonParams = currentParams): string {
  const salt = crypto.getRandomValues(new Uint8Array(saltBytes));
  const hash = argon2id(password, salt, params, hashBytes);
  return `$argon2id$v=19$m=${params.m},t=${params.t},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

const phc = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

function parse(stored: string): { params: ArgonParams; salt: Uint8Array; hash: Uint8Array } | undefined {
  const match = phc.exec(stored);
  if (!match) return undefined;
  const [m, t, p] = match.slice(1, 4).map(Number);
  if (!acceptedParams.some((a) => a.m === m && a.t === t && a.p === p)) return undefined;
  return { params: { m, t, p }, salt: unb64(match[4]), hash: unb64(match[5]) };
}

/** Always does the full work of one hash, so callers take the same time whatever they pass. */
function verify(stored: string, password: string): { ok: boolean; needsRehash: boolean } {
  const parsed = parse(stored);
  const params = parsed?.params ?? currentParams;
  const candidate = argon2id(password, parsed?.salt ?? dummySalt, params, hashBytes);
  const ok = parsed !== undefined && constantTimeEqual(candidate, parsed.hash);
  const needsRehash = ok && (params.m !== currentParams.m || params.t !== currentParams.t || params.p !== currentParams.p);
  return { ok, needsRehash };
}

/** One object so tests can observe which hash a login verified against. */
export const passwordHasher = { hash, verify };

const dummySalt = new Uint8Array(saltBytes);

/** A hash no password matches, verified when the email is unknown so both paths cost the same. */
export const dummyHash = `$argon2id$v=19$m=${currentParams.m},t=${currentParams.t},p=${currentParams.p}$${b64(dummySalt)}$${b64(new Uint8Array(hashBytes))}`;

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
