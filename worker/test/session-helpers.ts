import { sql } from "drizzle-orm";
import { refreshTokens } from "../db/schema";
import { hashOpaqueToken } from "../services/tokens";
import { testDb } from "./helpers";

/**
 * As if the refresh token had been rotated a minute ago: past the grace window in which its
 * successor is handed out again, so presenting it now is reuse, not a second tab's refresh.
 */
export async function asIfRotatedLongAgo(refreshToken: string) {
  await testDb()
    .update(refreshTokens)
    .set({ usedAt: sql`now() - interval '1 minute'` })
    .where(sql`${refreshTokens.tokenHash} = ${hashOpaqueToken(refreshToken)} and ${refreshTokens.usedAt} is not null`);
}
