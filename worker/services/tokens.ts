import { sign, verify } from "hono/utils/jwt/jwt";
import { JwtTokenExpired } from "hono/utils/jwt/types";
import { base64Url } from "../lib/base64url";
import { AppError } from "../lib/errors";
import { keyedHash } from "../lib/keyed-hash";
import { bytesToHex, hexToBytes, sha256 } from "../lib/sha256";

export const accessTokenTtlSeconds = 15 * 60;
export const refreshTokenTtlSeconds = 30 * 24 * 60 * 60;
const issuer = "edge-image-service";
const audience = "edge-image-service:api";

export interface AccessClaims {
  sub: string;
  /** The session (refresh-token family) the token belongs to: it is refused once that session ends. */
  sid: string;
  /** The user's token_version when issued; a password change bumps it. */
  tv: number;
  jti: string;
}

/**
 * The HMAC key for a secret, imported once per isolate: given the secret as a string, hono imports
 * it again for every token it signs or verifies (D1 in docs/performance.md). Only a secret or two
 * (during a rotation) is ever in use.
 */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const hmacKeys = new Map<string, HmacKey>();
async function hmacKey(secret: string): Promise<HmacKey> {
  const cached = hmacKeys.get(secret);
  if (cached) return cached;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  if (hmacKeys.size >= 4) hmacKeys.clear();
  hmacKeys.set(secret, key);
  return key;
}

export async function issueAccessToken(
  secret: string,
  holder: { userId: string; sessionId: string; tokenVersion: number },
  now = Date.now(),
) {
  const iat = Math.floor(now / 1000);
  return sign(
    {
      iss: issuer,
      aud: audience,
      sub: holder.userId,
      sid: holder.sessionId,
      iat,
      exp: iat + accessTokenTtlSeconds,
      jti: crypto.randomUUID(),
      typ: "access",
      tv: holder.tokenVersion,
    },
    await hmacKey(secret),
    "HS256",
  );
}

export function invalidToken(code: "invalid_token" | "token_expired" = "invalid_token") {
  const message = code === "token_expired" ? "Access token has expired" : "Access token is invalid";
  return new AppError(401, code, message, {
    headers: { "WWW-Authenticate": `Bearer error="invalid_token"` },
  });
}

/** The kinds of holder token: each its own audience, `typ` and longest life, so one never passes for another. */
const holderTokens = {
  access: { aud: audience, typ: "access", ttlSeconds: accessTokenTtlSeconds },
  upload: { aud: "edge-image-service:uploads", typ: "upload", ttlSeconds: 6 * 60 * 60 },
} as const;

/**
 * HS256 only; every claim we rely on must be present, since hono accepts a token without exp.
 * Undefined: not a good token of this kind; `expired` says whether only its time ran out.
 */
async function verifyHolderToken(secret: string, token: string, kind: keyof typeof holderTokens): Promise<AccessClaims | "expired" | undefined> {
  const { aud, typ: expectedTyp, ttlSeconds } = holderTokens[kind];
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, await hmacKey(secret), { alg: "HS256", iss: issuer, aud });
  } catch (error) {
    return error instanceof JwtTokenExpired ? "expired" : undefined;
  }
  const { sub, sid, iat, exp, jti, typ, tv } = payload;
  // A token without sid was issued before sessions were named: its session cannot be checked, so it is refused.
  const valid =
    typeof sub === "string" &&
    typeof sid === "string" &&
    typeof iat === "number" &&
    typeof exp === "number" &&
    exp - iat <= ttlSeconds &&
    typeof jti === "string" &&
    typ === expectedTyp &&
    Number.isInteger(tv);
  return valid ? { sub, sid, tv: tv as number, jti } : undefined;
}

export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims> {
  const claims = await verifyHolderToken(secret, token, "access");
  if (typeof claims === "object") return claims;
  throw invalidToken(claims === "expired" ? "token_expired" : "invalid_token");
}

/**
 * An upload capability: a short-lived token that names the same user, session and token version
 * as the access token it was issued for, but only for the direct-upload routes, carried in the
 * path (`/uploads/c/<capability>/s3/…`). Uppy's Companion mode sends no Authorization header,
 * so the path is where a credential can ride; SECURITY.md says why this is safe enough.
 */
export async function issueUploadCapability(secret: string, holder: AccessClaims, now = Date.now()) {
  const { aud, typ, ttlSeconds } = holderTokens.upload;
  const iat = Math.floor(now / 1000);
  const payload = { iss: issuer, aud, sub: holder.sub, sid: holder.sid, tv: holder.tv, iat, exp: iat + ttlSeconds, jti: crypto.randomUUID(), typ };
  return { token: await sign(payload, await hmacKey(secret), "HS256"), expiresAt: new Date((iat + ttlSeconds) * 1000) };
}

/** Refused as an access token (another audience and typ), and an access token is refused here. */
export async function verifyUploadCapability(secret: string, token: string): Promise<AccessClaims> {
  const claims = await verifyHolderToken(secret, token, "upload");
  if (typeof claims === "object") return claims;
  throw invalidCapability(claims === "expired");
}

const invalidCapability = (expired: boolean) =>
  new AppError(401, expired ? "capability_expired" : "invalid_capability", expired ? "This upload link has expired; ask for a new one" : "This upload link is not valid");

/** Opaque tokens (refresh tokens, share links): 32 random bytes for the client, only their SHA-256 in the database. */
export function newOpaqueToken(): { token: string; hash: string } {
  const token = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  return { token, hash: hashOpaqueToken(token) };
}

export function hashOpaqueToken(token: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(token)));
}

/**
 * A refresh token's successor sealed under the token it replaces: its bytes XOR an HMAC keyed
 * with that token, a pad used once (a token is spent once, so it seals one successor). Only
 * whoever presents the old token can open it; the database's hash of the old token does not.
 */
export function sealSuccessor(presented: string, successor: string): string {
  return bytesToHex(xor(tokenBytes(successor), successorPad(presented)));
}

/** The successor `sealSuccessor` sealed, given the same presented token (anything else gives a token no row has). */
export function openSuccessor(presented: string, sealed: string): string {
  return base64Url(xor(hexToBytes(sealed), successorPad(presented)));
}

const successorPad = (presented: string) => keyedHash(presented, "refresh-token:successor");
const tokenBytes = (token: string) => Uint8Array.from(atob(token.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
const xor = (a: Uint8Array, b: Uint8Array) => a.map((byte, i) => byte ^ (b[i] ?? 0));
