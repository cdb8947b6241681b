import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { checkHealth } from "../services/health";

export const health = new Hono<AppEnv>().get("/", async (c) => {
  const { ok, db, s3 } = await checkHealth(c.var.deps);
  if (ok) return c.json({ status: "ok" as const, db, s3 }, 200);
  const down = [db === "down" && "database", s3 === "down" && "object storage"].filter(Boolean).join(" and ");
  return c.json({ status: "degraded" as const, db, s3, code: "dependency_down", message: `${down} unreachable` }, 503);
});
