/**
 * The API's contract for typed clients (hono/client's `hc<AppType>`): the web app and the
 * tests import this type and nothing else of the worker.
 */
export type { AppType } from "./index";
