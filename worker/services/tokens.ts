import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, randomBytes } from "@noble/hashes/utils.js";
import { sign, verify } from "hono/jwt";
import { JwtTokenExpired } from "hono/utils/jwt/types";
import { base64Url } from "../lib/base64url";
import { AppError } from "../lib/errors";

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
    secret,
    "HS256",
  );
}

export function invalidToken(code: "invalid_token" | "token_expired" = "invalid_token") {
  const message = code === "token_expired" ? "Access token has expired" : "Access token is invalid";
  return new AppError(401, code, message, {
    headers: { "WWW-Authenticate": `Bearer error="invalid_token"` },
  });
}

/** HS256 only; every claim we rely on must be present, since hono accepts a token without exp. */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims> {
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, secret, { alg: "HS256", iss: issuer, aud: audience });
  } catch (error) {
    throw invalidToken(error instanceof JwtTokenExpired ? "token_expired" : "invalid_token");
  }
  const { sub, sid, iat, exp, jti, typ, tv } = payload;
  // A token without sid was issued before sessions were named: its session cannot be checked, so it is refused.
  const valid =
    typeof sub === "string" &&
    typeof sid === "string" &&
    typeof iat === "number" &&
    typeof exp === "number" &&
    exp - iat <= accessTokenTtlSeconds &&
    typeof jti === "string" &&
    typ === "access" &&
    Number.isInteger(tv);
  if (!valid) throw invalidToken();
  return { sub, sid, tv: tv as number, jti };
}

/** Opaque tokens (refresh tokens, share links): 32 random bytes for the client, only their SHA-256 in the database. */
export function newOpaqueToken(): { token: string; hash: string } {
  const token = base64Url(randomBytes(32));
  return { token, hash: hashOpaqueToken(token) };
}

export function hashOpaqueToken(token: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(token)));
}
