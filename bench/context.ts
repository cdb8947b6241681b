import type { Inspector } from "./inspector";
import type { Plan } from "./plan";
import type { QueueDelivery } from "./stack";
import type { DirectSql } from "./sql";

/** What every case gets: the running stack, a direct line to its database, and the plan. */
export interface BenchContext {
  plan: Plan;
  /** Through wrangler dev's proxy, as a developer's browser reaches it. */
  workerUrl: string;
  /** The worker's own workerd listener, no proxy hop (bench/direct.ts): what production's path is closer to. */
  directUrl: string;
  neonUrl: string;
  s3Endpoint: string;
  geminiUrl: string;
  /** The stand-ins' admin routes want it in x-admin-token. */
  adminToken: string;
  sql: DirectSql;
  workerdPid: number;
  inspector: Inspector;
  /** Every batch the job queues delivered so far (wrangler dev's log). */
  queueDeliveries: QueueDelivery[];
  log(line: string): void;
}
