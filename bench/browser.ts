import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium, quiet on a closed network (../shared/STACK-NOTES.md, "Browser tests"). */
const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** `proxyUrl` sends every request through that proxy, loopback ones included (Chromium bypasses a proxy for them by default). */
export function launchChromium(opts: { proxyUrl?: string } = {}): Promise<Browser> {
  const proxy = opts.proxyUrl ? [`--proxy-server=${opts.proxyUrl}`, "--proxy-bypass-list=<-loopback>"] : [];
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...chromiumArgs, ...proxy] });
}
