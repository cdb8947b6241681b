import type { BrowserContext, Page, Request, Route } from "playwright-core";

/** A PUT of one part of a multipart upload, to a presigned bucket URL. */
const isPartUrl = (url: URL) => url.searchParams.has("partNumber") && url.searchParams.has("uploadId");
const partOf = (request: Request) => {
  const url = new URL(request.url());
  return `${url.searchParams.get("uploadId")}#${url.searchParams.get("partNumber")}`;
};
const isPartPut = (request: Request) => request.method() === "PUT" && isPartUrl(new URL(request.url()));

/**
 * Every part PUT the context's pages send, by upload and part number: how many the bucket
 * acknowledged (2xx) and which were sent again after the bucket had acknowledged them.
 */
export function recordPartPuts(context: BrowserContext) {
  const requested: string[] = [];
  const acknowledged = new Map<string, number>();
  const sentAgain: string[] = [];
  context.on("request", (request) => {
    if (!isPartPut(request)) return;
    if (acknowledged.has(partOf(request))) sentAgain.push(partOf(request));
    requested.push(partOf(request));
  });
  context.on("requestfinished", async (request) => {
    if (!isPartPut(request)) return;
    const response = await request.response();
    if (response?.ok()) acknowledged.set(partOf(request), (acknowledged.get(partOf(request)) ?? 0) + 1);
  });
  return { requested, acknowledged, sentAgain };
}

/**
 * Holds part PUTs in the browser after the first `pass` of them: a held one never reaches the
 * bucket until released. Only PUTs are held (a preflight or a sign request goes on).
 */
export async function holdPartPuts(context: BrowserContext, pass = 0) {
  const held: Route[] = [];
  let passed = 0;
  const handler = async (route: Route) => {
    if (route.request().method() !== "PUT" || passed < pass) {
      if (route.request().method() === "PUT") passed++;
      return route.continue();
    }
    held.push(route);
  };
  await context.route(isPartUrl, handler);
  return {
    held,
    /** Lets the held PUTs and every later one go on to the bucket. */
    async release() {
      await context.unroute(isPartUrl, handler);
      for (const route of held.splice(0)) await route.continue().catch(() => undefined);
    },
    /** Fails the held PUTs as a dropped connection would (left pending, unroute would send them on). */
    async dropHeld() {
      for (const route of held.splice(0)) await route.abort("connectionfailed").catch(() => undefined);
    },
  };
}

/**
 * Keeps the first 64 KiB of every part body the page sends (the XHR's Blob, read in the page):
 * what left the browser, metadata blocks included, whatever the DevTools protocol shows of a body.
 */
export async function keepSentHeads(page: Page) {
  await page.addInitScript(() => {
    const heads: number[][] = [];
    (window as unknown as { sentHeads: number[][] }).sentHeads = heads;
    const open = XMLHttpRequest.prototype.open;
    const send = XMLHttpRequest.prototype.send;
    const urls = new WeakMap<XMLHttpRequest, string>();
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
      urls.set(this, String(url));
      return (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
    };
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      if (body instanceof Blob && new URL(urls.get(this) ?? "", location.href).searchParams.get("partNumber") === "1") {
        void body.slice(0, 65536).arrayBuffer().then((bytes) => heads.push([...new Uint8Array(bytes)]));
      }
      return send.call(this, body);
    };
  });
  return async () => (await page.evaluate(() => (window as unknown as { sentHeads: number[][] }).sentHeads)).map((head) => Buffer.from(head));
}

/** Polls `check` until it holds, failing after `timeoutMs` with what `describe` says of the last state. */
export async function eventually(check: () => boolean, describe: () => string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
