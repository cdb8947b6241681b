import type { RequestIdVariables } from "hono/request-id";
import type { Deps } from "./deps";

/** Hono's environment for every route and middleware: the bindings, and what middleware puts on c.var. */
export interface AppEnv {
  Bindings: Cloudflare.Env;
  Variables: RequestIdVariables & { deps: Deps };
}
