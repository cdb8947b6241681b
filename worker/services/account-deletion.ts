import type { Deps } from "../deps";
import { deleteUser } from "./accounts";

/** Removes the account and everything it owns; rows cascade from users. */
export async function deleteAccount(deps: Deps, userId: string) {
  await deleteUser(deps, userId);
}
