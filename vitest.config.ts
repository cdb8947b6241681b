import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      // workerd --verbose (the plugin's default) logs every failed outbound fetch as an "uncaught
      // exception" even when the worker catches it, five lines per fault the stand-ins inject. Errors
      // the code does not handle still fail the run: vitest reports unhandled rejections, and the
      // plugin rethrows rejected waitUntil promises.
      verbose: false,
      // A short Gemini timeout keeps the timeout-fault tests quick.
      miniflare: { bindings: { ...inject("workerVars"), GEMINI_TIMEOUT_MS: "2000" } },
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
