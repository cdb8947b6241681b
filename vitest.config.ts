import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * wrangler.toml's queue consumers with no batch window: deployed, a consumer waits up to
 * max_batch_timeout (1 s) to fill a batch, which in tests only adds a second to every job of the
 * upload → renditions → analysis chain a test waits for. Sizes, retries and dead letters stay.
 */
interface QueueConsumer {
  queue: string;
  max_batch_size?: number;
  max_retries?: number;
  retry_delay?: number;
  dead_letter_queue?: string;
}
// Read when the pool starts, not when this module loads: knip loads this module too, and wrangler fails to load there.
async function queueConsumers() {
  const { unstable_readConfig } = await import("wrangler");
  const consumers = (unstable_readConfig({ config: "./wrangler.toml" }).queues.consumers ?? []) as QueueConsumer[];
  return Object.fromEntries(
    consumers.map((consumer) => [
      consumer.queue,
      {
        maxBatchSize: consumer.max_batch_size,
        maxBatchTimeout: 0,
        maxRetries: consumer.max_retries,
        retryDelay: consumer.retry_delay,
        deadLetterQueue: consumer.dead_letter_queue,
      },
    ]),
  );
}

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      // workerd --verbose (the plugin's default) logs every failed outbound fetch as an "uncaught
      // exception" even when the worker catches it, five lines per fault the stand-ins inject. Errors
      // the code does not handle still fail the run: vitest reports unhandled rejections, and the
      // plugin rethrows rejected waitUntil promises.
      verbose: false,
      // A short Gemini timeout keeps the timeout-fault tests quick.
      miniflare: { bindings: { ...inject("workerVars"), GEMINI_TIMEOUT_MS: "2000" }, queueConsumers: await queueConsumers() },
    })),
  ],
  test: {
    include: ["worker/**/*.test.ts", "scripts/local/test/**/*.test.ts"],
    globalSetup: ["worker/test/global-setup.ts"],
    // A test registering several users hashes several passwords (argon2id, ~40 ms each) on a loaded machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
