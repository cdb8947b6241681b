import type { Inspector } from "./inspector";
import type { Plan } from "./plan";
import type { DirectSql } from "./sql";

/** What every case gets: the running stack, a direct line to its database, and the plan. */
export interface BenchContext {
  plan: Plan;
  workerUrl: string;
  s3Endpoint: string;
  geminiUrl: string;
  /** The stand-ins' admin routes want it in x-admin-token. */
  adminToken: string;
  sql: DirectSql;
  workerdPid: number;
  inspector: Inspector;
  log(line: string): void;
}
