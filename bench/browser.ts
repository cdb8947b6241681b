import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's Chromium, quiet on a closed network (../shared/STACK-NOTES.md, "Browser tests"). */
const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** `proxyUrl` sends every request through that proxy, loopback ones included (Chromium bypasses a proxy for them by default). */
export function launchChromium(opts: { proxyUrl?: string } = {}): Promise<Browser> {
  const proxy = opts.proxyUrl ? [`--proxy-server=${opts.proxyUrl}`, "--proxy-bypass-list=<-loopback>"] : [];
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...chromiumArgs, ...proxy] });
}

/** The page's document, typed as far as these checks need it: bench/ compiles without the DOM library. */
interface PanelDocument {
  querySelector(selector: string): { textContent: string | null } | null;
}

/**
 * Waits until the SPA's upload panel says the whole batch became images ("N uploaded"; `count` of
 * them if given). A function, not a string: the SPA's CSP forbids evaluating strings.
 */
export function waitForBatchUploaded(page: Page, count?: number, timeoutMs = 600_000) {
  return page.waitForFunction(
    (expected) => {
      const { document } = globalThis as unknown as { document: PanelDocument };
      const headline = document.querySelector('.upload-panel[data-state="done"] [role=status]')?.textContent ?? "";
      return expected === undefined ? /^\d+ uploaded$/.test(headline) : headline === `${expected} uploaded`;
    },
    count,
    { timeout: timeoutMs },
  );
}
