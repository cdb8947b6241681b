import { eq, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { users, type User } from "../db/schema";
import { isUniqueViolation } from "../lib/db-errors";
import { AppError } from "../lib/errors";
import { checkLoginClaim, loginAttemptClaim, loginSuccessWrite, loginThrottleKeys } from "./login-throttle";
import { dummyHash, passwordHasher } from "./passwords";
import { newSession, revokeSessionsOf } from "./sessions";

type AccountDeps = Pick<Deps, "config" | "db">;

/** A user's stored row, as requireUser puts it on c.var.user: routes name it from here, never from db/. */
export type StoredUser = User;

export interface PublicUser {
  id: string;
  username: string;
  email: string;
}

export const toPublicUser = ({ id, username, email }: User): PublicUser => ({ id, username, email });

export async function registerUser(deps: AccountDeps, input: { username: string; email: string; password: string }) {
  const passwordHash = passwordHasher.hash(input.password);
  try {
    const [user] = await deps.db
      .insert(users)
      .values({ username: input.username, email: input.email, passwordHash })
      .returning();
    return toPublicUser(user);
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) {
      throw new AppError(409, "email_taken", "An account with this email already exists", { field: "email" });
    }
    if (isUniqueViolation(error, "users_username_lower_key")) {
      throw new AppError(409, "username_taken", "This username is taken", { field: "username" });
    }
    throw error;
  }
}

const badCredentials = () =>
  new AppError(401, "invalid_credentials", "Email or password is incorrect", { headers: { "WWW-Authenticate": "Bearer" } });

/** Where a sign-in comes from, and the extra limit for places the account never signed in from. */
export interface LoginContext {
  address: string;
  limitNewPlace(): Promise<void>;
}

/**
 * Unknown email and wrong password walk the same path and fail alike: the same throttle
 * statements (keyed on the email, not a user row), one argon2id verify each, the same 401.
 */
export async function loginUser(deps: AccountDeps, input: { email: string; password: string }, from: LoginContext) {
  const keys = loginThrottleKeys(deps.config.JWT_SECRET_KEY, input.email, from.address);
  // Two database requests in all: the attempt's claim with the user lookup, then every write of a success.
  const [claim, [user]] = await deps.db.batch([loginAttemptClaim(deps, keys), deps.db.select().from(users).where(eq(users.email, input.email))]);
  const attempt = checkLoginClaim(claim);
  if (!attempt.knownPlace) await from.limitNewPlace();
  const { ok, needsRehash } = passwordHasher.verify(user?.passwordHash ?? dummyHash, input.password);
  if (!user || !ok) throw badCredentials();
  const session = newSession(deps, user.id);
  const success = loginSuccessWrite(deps, keys);
  if (needsRehash) {
    const rehash = deps.db.update(users).set({ passwordHash: passwordHasher.hash(input.password) }).where(eq(users.id, user.id));
    await deps.db.batch([success, session.insert, rehash]);
  } else {
    await deps.db.batch([success, session.insert]);
  }
  return { user: toPublicUser(user), ...(await session.tokens(user.tokenVersion)) };
}

/**
 * A signed-in user re-entering the password walks sign-in's throttle, keyed on the same email
 * and place: a stolen access token or refresh cookie is no password oracle, guesses here and at
 * sign-in share one count, the answers when locked are sign-in's, and a refused attempt costs no
 * hash. The success write (clearing the count) comes back unsent, for the caller's batch.
 */
async function reenterPassword(deps: AccountDeps, user: User, password: string, address: string) {
  const keys = loginThrottleKeys(deps.config.JWT_SECRET_KEY, user.email, address);
  checkLoginClaim(await loginAttemptClaim(deps, keys));
  return { ok: passwordHasher.verify(user.passwordHash, password).ok, success: loginSuccessWrite(deps, keys) };
}

/** New password, every other session ended and this one started: one transaction, one request after the throttle's. */
export async function changePassword(deps: AccountDeps, user: User, input: { current_password: string; new_password: string }, address: string) {
  const { ok, success } = await reenterPassword(deps, user, input.current_password, address);
  if (!ok) throw new AppError(403, "invalid_credentials", "Current password is incorrect", { field: "current_password" });
  const session = newSession(deps, user.id);
  const [[updated]] = await deps.db.batch([
    deps.db
      .update(users)
      .set({ passwordHash: passwordHasher.hash(input.new_password), tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, user.id))
      .returning(),
    revokeSessionsOf(deps, user.id),
    session.insert,
    success,
  ]);
  return { user: toPublicUser(updated), ...(await session.tokens(updated.tokenVersion)) };
}

/** The password again before something that cannot be undone (deleting the account), throttled as sign-in is. */
export async function verifyPasswordOf(deps: AccountDeps, user: User, password: string, address: string) {
  const { ok, success } = await reenterPassword(deps, user, password, address);
  if (!ok) throw new AppError(403, "invalid_credentials", "Password is incorrect", { field: "password" });
  await success;
}

export async function deleteUser(deps: AccountDeps, userId: string) {
  await deps.db.delete(users).where(eq(users.id, userId));
}
