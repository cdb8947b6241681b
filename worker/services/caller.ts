import { and, eq, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Deps } from "../deps";
import { users, type User } from "../db/schema";
import { isUuid } from "../lib/text";
import { isLiveSession } from "./sessions";
import { invalidToken, type AccessClaims } from "./tokens";

/**
 * The holder of a verified access token, whose user and session are still to be checked: the
 * user must exist with the token's token_version and the token's session must be live. `user`
 * checks and reads the row in one query. `read` sends the check with the request's own query
 * in one `db.batch` (one HTTP request to Neon instead of two in a row) and answers 401 before
 * anything the query found is used. `confirm` checks alone, for a request that read nothing.
 */
export class Caller {
  #checked = false;
  constructor(
    private readonly deps: Pick<Deps, "db">,
    private readonly claims: AccessClaims,
  ) {
    if (!isUuid(claims.sub) || !isUuid(claims.sid)) throw invalidToken();
  }

  get userId(): string {
    return this.claims.sub;
  }

  /** The verified claims, to issue a narrower credential for the same holder (an upload capability). */
  get accessClaims(): AccessClaims {
    return this.claims;
  }

  /** Whether the check was made (or sent with a read that failed), so it need not be made again. */
  get checked(): boolean {
    return this.#checked;
  }

  async user(): Promise<User> {
    this.#checked = true;
    const [user] = await this.deps.db.select().from(users).where(this.#holds());
    if (!user) throw invalidToken();
    return user;
  }

  async read<Q extends BatchItem<"pg">>(query: Q): Promise<Q["_"]["result"]> {
    this.#checked = true;
    const [holder, result] = await this.deps.db.batch([this.#holder(), query]);
    if (holder.length === 0) throw invalidToken();
    return result;
  }

  async confirm(): Promise<void> {
    this.#checked = true;
    const holder = await this.#holder();
    if (holder.length === 0) throw invalidToken();
  }

  /**
   * The token's user id while the token is still good, else null, as a subquery: a write whose
   * NOT NULL owner column takes it carries the check itself (no row when the token is not good).
   */
  idWhileGood(): SQL {
    this.#checked = true;
    return sql`(${this.#holder()})`;
  }

  /** The token's user id if the token is still good: sent alone (confirm), with a read (read) or in a write (idWhileGood). */
  #holder() {
    return this.deps.db.select({ id: users.id }).from(users).where(this.#holds());
  }

  #holds() {
    const { sub, sid, tv } = this.claims;
    return and(eq(users.id, sub), eq(users.tokenVersion, tv), isLiveSession(sid, users.id));
  }
}

/** Whose rows a read is for: a user id already checked (requireUser), or a Caller whose check rides with the read. */
export type Owner = string | Caller;

export const ownerId = (owner: Owner): string => (typeof owner === "string" ? owner : owner.userId);

export async function readAs<Q extends BatchItem<"pg"> & PromiseLike<Q["_"]["result"]>>(owner: Owner, query: Q): Promise<Q["_"]["result"]> {
  return typeof owner === "string" ? await query : owner.read(query);
}
