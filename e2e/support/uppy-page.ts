import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { build, type Rolldown } from "vite";

let bundle: Promise<string> | undefined;

/** e2e/uppy-page/main.ts with @uppy/core and @uppy/aws-s3 as published, bundled by Vite into one script, once per run. */
function bundleUppyPage() {
  bundle ??= (async () => {
    const built = await build({
      configFile: false,
      publicDir: false,
      logLevel: "warn",
      define: { "process.env.NODE_ENV": JSON.stringify("production") },
      build: {
        write: false,
        minify: false,
        lib: { entry: fileURLToPath(new URL("../uppy-page/main.ts", import.meta.url)), formats: ["iife"], name: "uppyPage" },
      },
    });
    const outputs = (Array.isArray(built) ? built : [built]) as Rolldown.RolldownOutput[];
    const chunks = outputs.flatMap((output) => output.output).filter((file) => file.type === "chunk");
    if (chunks.length !== 1) throw new Error(`expected one script from Vite, got ${chunks.map((chunk) => chunk.fileName).join(", ")}`);
    return chunks[0].code;
  })();
  return bundle;
}

/**
 * A page on the app's origin with Uppy on it and a file input (#files). The document must come
 * from the worker itself: Chromium's Local Network Access checks let a page reach the bucket on
 * loopback only if the page itself was served from loopback, and a document answered by
 * Playwright (route.fulfill) has no address, so its part PUTs were refused before they left.
 * /healthz is a plain JSON answer without the SPA's CSP, so the test writes its page over it.
 */
export async function openUppyPage(page: Page, baseUrl: string) {
  const script = await bundleUppyPage();
  await page.goto(`${baseUrl}/healthz`);
  await page.setContent(`<!doctype html><title>Uppy</title><input id="files" type="file" multiple><script>${script.replaceAll("</script", "<\\/script")}</script>`);
  await page.waitForFunction(() => typeof window.uploadWithUppy === "function");
}
