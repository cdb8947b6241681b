import { and, eq, gt, isNull, sql, type Column, type SQL } from "drizzle-orm";
import type { Deps } from "../deps";
import { refreshTokens, users, type User } from "../db/schema";
import { AppError } from "../lib/errors";
import {
  accessTokenTtlSeconds,
  hashOpaqueToken,
  issueAccessToken,
  newOpaqueToken,
  refreshTokenTtlSeconds,
} from "./tokens";

type SessionDeps = Pick<Deps, "config" | "db">;

export interface Session {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
}

const invalidRefresh = (code = "invalid_refresh_token", message = "Session has expired; sign in again") =>
  new AppError(401, code, message, { headers: { "WWW-Authenticate": "Bearer" } });

/**
 * A new token family, one per sign-in: the row to insert, unsent, so the sign-in sends it in
 * one db.batch with its other writes; then, once stored, its tokens (`tokenVersion` as the
 * user's row has it after those writes).
 */
export function newSession(deps: SessionDeps, userId: string) {
  const { token, hash } = newOpaqueToken();
  const sessionId = crypto.randomUUID();
  return {
    insert: deps.db.insert(refreshTokens).values({
      userId,
      familyId: sessionId,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + refreshTokenTtlSeconds * 1000),
    }),
    tokens: async (tokenVersion: number): Promise<Session> => ({
      accessToken: await issueAccessToken(deps.config.JWT_SECRET_KEY, { userId, sessionId, tokenVersion }),
      expiresIn: accessTokenTtlSeconds,
      refreshToken: token,
    }),
  };
}

/** Ends every session of the user (unsent, for a batch): a password change signs the others out. */
export function revokeSessionsOf(deps: SessionDeps, userId: string) {
  return deps.db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
}

/**
 * A session (a refresh-token family) is live while its latest token is neither spent, revoked
 * nor expired: logout, reuse detection and a password change revoke it, account deletion
 * removes it. A condition for the query that already reads the token's user, not a query of its own.
 */
export function isLiveSession(sessionId: string, userId: Column | SQL): SQL {
  const liveToken = and(
    eq(refreshTokens.familyId, sessionId),
    eq(refreshTokens.userId, userId),
    isNull(refreshTokens.usedAt),
    isNull(refreshTokens.revokedAt),
    gt(refreshTokens.expiresAt, sql`now()`),
  );
  return sql`exists (select 1 from ${refreshTokens} where ${liveToken})`;
}

/**
 * Rotation in one statement: the old token is marked used and its successor inserted
 * atomically, so two concurrent refreshes with one token cannot both succeed. Presenting
 * a token that was already used means it leaked: the whole family is revoked.
 */
export async function rotateSession(deps: SessionDeps, presented: string): Promise<Session & { user: User }> {
  const oldHash = hashOpaqueToken(presented);
  const { token, hash } = newOpaqueToken();
  const expiresAt = new Date(Date.now() + refreshTokenTtlSeconds * 1000);
  const rotated = await deps.db.execute<{ user_id: string; family_id: string }>(sql`
    with used as (
      update ${refreshTokens} set used_at = now()
      where token_hash = ${oldHash} and used_at is null and revoked_at is null and expires_at > now()
      returning user_id, family_id
    )
    insert into ${refreshTokens} (user_id, family_id, token_hash, expires_at)
    select user_id, family_id, ${hash}, ${expiresAt.toISOString()}::timestamptz from used
    returning user_id, family_id`);
  const { user_id: userId, family_id: sessionId } = rotated.rows[0] ?? {};
  if (!userId || !sessionId) {
    await revokeFamilyIfReused(deps, oldHash);
    throw invalidRefresh();
  }
  const [user] = await deps.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw invalidRefresh();
  return {
    user,
    accessToken: await issueAccessToken(deps.config.JWT_SECRET_KEY, { userId: user.id, sessionId, tokenVersion: user.tokenVersion }),
    expiresIn: accessTokenTtlSeconds,
    refreshToken: token,
  };
}

async function revokeFamilyIfReused(deps: SessionDeps, tokenHash: string) {
  await deps.db.execute(sql`
    update ${refreshTokens} set revoked_at = coalesce(revoked_at, now())
    where family_id = (select family_id from ${refreshTokens} where token_hash = ${tokenHash} and used_at is not null)`);
}

/** Logout ends the whole session, whichever of its tokens is presented, and with it its access tokens. */
export async function endSession(deps: SessionDeps, presented: string) {
  await deps.db.execute(sql`
    update ${refreshTokens} set revoked_at = coalesce(revoked_at, now())
    where family_id = (select family_id from ${refreshTokens} where token_hash = ${hashOpaqueToken(presented)})`);
}
