import type { Env, Schema } from "hono";
import { HonoBase } from "hono/hono-base";
import { TrieRouter } from "hono/router/trie-router";

/**
 * Hono on its TrieRouter alone. hono's default SmartRouter tries RegExpRouter first, which
 * refuses this app's routes (UnsupportedPathError: POST /images/upload beside POST
 * /images/:id/analyze, docs/performance.md F3), so every request already ran on TrieRouter;
 * only RegExpRouter's and SmartRouter's code stayed in the bundle (F4). Routes and sub-apps
 * are built with this class so that nothing imports hono's default.
 */
// biome-ignore lint/complexity/noBannedTypes: hono's own default for an empty schema
export class Hono<E extends Env = Env, S extends Schema = {}, BasePath extends string = "/"> extends HonoBase<E, S, BasePath> {
  constructor() {
    super({ router: new TrieRouter() });
  }
}
