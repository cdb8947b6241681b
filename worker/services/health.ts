import { sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { bucketUrl } from "./object-store";

export type Reachability = "ok" | "down";

const probeTimeoutMs = 3000;

/** Checks each dependency on its own so the answer says which one is down. */
export async function checkHealth(deps: Pick<Deps, "config" | "db" | "s3">) {
  const [db, s3] = await Promise.all([
    probe(() => deps.db.execute(sql`select 1 as alive`)),
    probe(async () => {
      const res = await deps.s3.fetch(bucketUrl(deps.config), {
        method: "HEAD",
        signal: AbortSignal.timeout(probeTimeoutMs),
      });
      if (!res.ok) throw new Error(`S3 answered ${res.status}`);
    }),
  ]);
  return { ok: db === "ok" && s3 === "ok", db, s3 };
}

async function probe(check: () => Promise<unknown>): Promise<Reachability> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), probeTimeoutMs)),
    ]);
    return "ok";
  } catch {
    return "down";
  }
}
