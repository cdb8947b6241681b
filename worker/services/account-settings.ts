import { eq } from "drizzle-orm";
import type { Deps } from "../deps";
import { users, type User } from "../db/schema";
import { withdrawAllFromAi } from "./image-edits";

export interface AccountSettings {
  keep_metadata: boolean;
  never_send_to_ai: boolean;
}

export const settingsOf = (user: User): AccountSettings => ({
  keep_metadata: user.keepMetadata,
  never_send_to_ai: user.neverSendToAi,
});

/** Turning "never send to AI" on also withdraws every existing image and deletes its AI text. */
export async function updateSettings(deps: Pick<Deps, "db">, user: User, patch: Partial<AccountSettings>): Promise<AccountSettings> {
  // An empty patch ({} is valid input) has nothing to set; drizzle refuses an empty SET.
  if (patch.keep_metadata === undefined && patch.never_send_to_ai === undefined) return settingsOf(user);
  const [updated] = await deps.db
    .update(users)
    .set({
      ...(patch.keep_metadata !== undefined ? { keepMetadata: patch.keep_metadata } : {}),
      ...(patch.never_send_to_ai !== undefined ? { neverSendToAi: patch.never_send_to_ai } : {}),
    })
    .where(eq(users.id, user.id))
    .returning();
  if (patch.never_send_to_ai) await withdrawAllFromAi(deps, user.id);
  return settingsOf(updated);
}
