import { sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { loginAccountThrottles, loginPlaceThrottles } from "../db/schema";
import { placeOf } from "../lib/client-address";
import { AppError } from "../lib/errors";
import { keyedHash } from "../lib/keyed-hash";
import { bytesToHex } from "../lib/sha256";

type ThrottleDeps = Pick<Deps, "config" | "db">;

/** Attempts one place may make at an email before each further one waits: 2 s, 4 s, … */
const freeAttemptsPerPlace = 5;
const maxPlaceDelaySeconds = 15 * 60;
/** Attempts at one email from all places in an hour; beyond it, only places it signed in from may try. */
export const accountAttemptBudget = 30;
const accountWindowSeconds = 60 * 60;
const knownPlaceDays = 30;

export interface LoginThrottleKeys {
  place: string;
  account: string;
}

/**
 * Keyed on the normalised email, never on a user row, so an unknown email walks exactly the
 * path a known one does. HMAC under the JWT secret: the table cannot be searched for an email.
 */
export function loginThrottleKeys(secret: string, email: string, address: string): LoginThrottleKeys {
  return {
    place: bytesToHex(keyedHash(secret, "login-throttle:place", email, placeOf(address))),
    account: bytesToHex(keyedHash(secret, "login-throttle:account", email)),
  };
}

const lockedOut = (retryAfter: number) =>
  new AppError(429, "login_locked", "Too many failed sign-ins; try again later", {
    headers: { "Retry-After": String(Math.max(1, retryAfter)) },
  });

const accountThrottled = (retryAfter: number) =>
  new AppError(
    429,
    "login_throttled",
    "Too many failed sign-ins to this account from many places; try again later, or sign in from a device or network you have used before",
    { headers: { "Retry-After": String(Math.max(1, retryAfter)) } },
  );

/**
 * Takes one attempt before the password is checked, in one statement, so parallel guesses
 * cannot slip past the count: the place's attempt is counted unless it must still wait, then
 * the account's unless its hourly budget is spent and the place is not a known one. A refused
 * attempt costs no password hash. Counting happens up front; a success clears it. Unsent, so
 * the sign-in sends it with its user lookup in one db.batch; checkLoginClaim reads its answer.
 */
export function loginAttemptClaim(deps: ThrottleDeps, keys: LoginThrottleKeys) {
  const window = sql`make_interval(secs => ${accountWindowSeconds}::int)`;
  const windowOver = sql`t.window_started_at <= now() - ${window}`;
  return deps.db.execute<LoginClaim>(sql`
    with place as (
      insert into ${loginPlaceThrottles} as t (key, attempts, next_attempt_at, updated_at)
      values (${keys.place}, 1, now(), now())
      on conflict (key) do update set
        attempts = t.attempts + 1,
        next_attempt_at = now() + make_interval(secs => case
          when t.attempts + 1 < ${freeAttemptsPerPlace}::int then 0
          else least(power(2, least(t.attempts + 2 - ${freeAttemptsPerPlace}::int, 16)), ${maxPlaceDelaySeconds}::int) end),
        updated_at = now()
      where t.next_attempt_at <= now()
      returning coalesce(last_success_at > now() - make_interval(days => ${knownPlaceDays}::int), false) as known
    ),
    account as (
      insert into ${loginAccountThrottles} as t (key, attempts, window_started_at)
      select ${keys.account}, 1, now() from place
      on conflict (key) do update set
        attempts = case when ${windowOver} then 1 else t.attempts + 1 end,
        window_started_at = case when ${windowOver} then now() else t.window_started_at end
      where ${windowOver} or t.attempts < ${accountAttemptBudget}::int or (select known from place)
      returning key
    )
    select
      exists (select 1 from place) as place_allowed,
      coalesce((select known from place), false) as known_place,
      exists (select 1 from account) as account_allowed,
      (select ceil(extract(epoch from next_attempt_at - now()))::int from ${loginPlaceThrottles} where key = ${keys.place}) as place_wait,
      (select ceil(extract(epoch from window_started_at + ${window} - now()))::int from ${loginAccountThrottles} where key = ${keys.account}) as account_wait`);
}

interface LoginClaim extends Record<string, unknown> {
  place_allowed: boolean;
  known_place: boolean;
  account_allowed: boolean;
  place_wait: number | null;
  account_wait: number | null;
}

/** What loginAttemptClaim's statement answered: 429 when the attempt was refused. */
export function checkLoginClaim({ rows }: { rows: LoginClaim[] }): { knownPlace: boolean } {
  const claim = rows[0];
  if (!claim?.place_allowed) throw lockedOut(claim?.place_wait ?? 1);
  if (!claim.account_allowed) throw accountThrottled(claim.account_wait ?? 1);
  return { knownPlace: claim.known_place };
}

/** A success clears the place's count, makes it a known place and gives the account its budget back (unsent, for a batch). */
export function loginSuccessWrite(deps: ThrottleDeps, keys: LoginThrottleKeys) {
  return deps.db.execute(sql`
    with place as (
      update ${loginPlaceThrottles} set attempts = 0, next_attempt_at = now(), last_success_at = now(), updated_at = now()
      where key = ${keys.place}
    )
    update ${loginAccountThrottles} set attempts = 0, window_started_at = now() where key = ${keys.account}`);
}

/**
 * The sweep's share: rows of places quiet for a day that never signed in (a known place is
 * kept for 30 days) and accounts whose window closed. Bounded per run.
 */
export async function sweepLoginThrottles(deps: Pick<Deps, "db">, batch = 1000): Promise<number> {
  const places = await deps.db.execute(sql`
    delete from ${loginPlaceThrottles} where key in (
      select key from ${loginPlaceThrottles}
      where updated_at < now() - interval '1 day'
        and (last_success_at is null or last_success_at < now() - make_interval(days => ${knownPlaceDays}::int))
      limit ${batch}::int)`);
  const accounts = await deps.db.execute(sql`
    delete from ${loginAccountThrottles} where key in (
      select key from ${loginAccountThrottles} where window_started_at < now() - make_interval(secs => ${accountWindowSeconds}::int) limit ${batch}::int)`);
  return (places.rowCount ?? 0) + (accounts.rowCount ?? 0);
}
