import { Hono } from "./hono-app";
import type { AppEnv } from "../app-env";
import { checkHealth } from "../services/health";

export const health = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { ok, db, s3 } = await checkHealth(c.var.deps);
    if (ok) return c.json({ status: "ok" as const, db, s3 }, 200);
    const down = [db === "down" && "database", s3 === "down" && "object storage"].filter(Boolean).join(" and ");
    return c.json({ status: "degraded" as const, db, s3, code: "dependency_down", message: `${down} unreachable` }, 503);
  })
  // Liveness: the isolate answers, and nothing else is asked, so probes (and the bench's F6
  // baseline) cost the database and the bucket nothing. It says nothing about them either.
  .get("/live", (c) => c.json({ status: "ok" as const }, 200));
