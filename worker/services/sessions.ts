import { and, eq, gt, isNotNull, isNull, sql, type Column, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Deps } from "../deps";
import { refreshTokens, users, type User } from "../db/schema";
import { AppError } from "../lib/errors";
import {
  accessTokenTtlSeconds,
  hashOpaqueToken,
  issueAccessToken,
  newOpaqueToken,
  openSuccessor,
  refreshTokenTtlSeconds,
  sealSuccessor,
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
 * How long after a rotation the spent token still gets its successor (the same one) rather than
 * revoking the family: two tabs refreshing at one moment both send the token, and only one can
 * rotate it. Auth0's reuse interval and Okta's grace period do the same.
 */
const rotationGraceSeconds = 10;

/**
 * Rotation in one statement: the old token is marked used (its successor sealed under it) and
 * the successor inserted atomically, so two concurrent refreshes with one token cannot both
 * rotate it. The one that lost, within the grace window and while the successor is still
 * unused, is handed that same successor, so the family stays one chain. Any other use of a
 * spent token means it leaked: the whole family is revoked.
 */
export async function rotateSession(deps: SessionDeps, presented: string): Promise<Session & { user: User }> {
  const oldHash = hashOpaqueToken(presented);
  const { token, hash } = newOpaqueToken();
  const expiresAt = new Date(Date.now() + refreshTokenTtlSeconds * 1000);
  const rotated = await deps.db.execute<{ user_id: string; family_id: string }>(sql`
    with used as (
      update ${refreshTokens} set used_at = now(), successor_sealed = ${sealSuccessor(presented, token)}
      where token_hash = ${oldHash} and used_at is null and revoked_at is null and expires_at > now()
      returning user_id, family_id
    )
    insert into ${refreshTokens} (user_id, family_id, token_hash, expires_at)
    select user_id, family_id, ${hash}, ${expiresAt.toISOString()}::timestamptz from used
    returning user_id, family_id`);
  const { user_id: userId, family_id: sessionId } = rotated.rows[0] ?? {};
  if (userId && sessionId) {
    const [user] = await deps.db.select().from(users).where(eq(users.id, userId));
    if (!user) throw invalidRefresh();
    return sessionOf(deps, user, sessionId, token);
  }
  const again = await successorWithinGrace(deps, presented, oldHash);
  if (again) return sessionOf(deps, again.user, again.sessionId, again.token);
  await revokeFamilyIfReused(deps, oldHash);
  throw invalidRefresh();
}

async function sessionOf(deps: SessionDeps, user: User, sessionId: string, refreshToken: string): Promise<Session & { user: User }> {
  return {
    user,
    accessToken: await issueAccessToken(deps.config.JWT_SECRET_KEY, { userId: user.id, sessionId, tokenVersion: user.tokenVersion }),
    expiresIn: accessTokenTtlSeconds,
    refreshToken,
  };
}

const successors = alias(refreshTokens, "successor");

/**
 * A token rotated in the last few seconds, its family not revoked: its sealed successor, opened
 * with the presented token, if that successor is still the family's live, unused token. One query,
 * the user's row with it.
 */
async function successorWithinGrace(deps: SessionDeps, presented: string, oldHash: string) {
  const [spent] = await deps.db
    .select({ user: users, sessionId: refreshTokens.familyId, sealed: refreshTokens.successorSealed, liveHash: successors.tokenHash })
    .from(refreshTokens)
    .innerJoin(users, eq(users.id, refreshTokens.userId))
    .innerJoin(
      successors,
      and(
        eq(successors.familyId, refreshTokens.familyId),
        isNull(successors.usedAt),
        isNull(successors.revokedAt),
        gt(successors.expiresAt, sql`now()`),
      ),
    )
    .where(
      and(
        eq(refreshTokens.tokenHash, oldHash),
        isNull(refreshTokens.revokedAt),
        isNotNull(refreshTokens.successorSealed),
        gt(refreshTokens.usedAt, sql`now() - make_interval(secs => ${rotationGraceSeconds}::int)`),
      ),
    );
  if (!spent?.sealed) return undefined;
  const token = openSuccessor(presented, spent.sealed);
  return hashOpaqueToken(token) === spent.liveHash ? { user: spent.user, sessionId: spent.sessionId, token } : undefined;
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
