import type { Page } from "playwright-core";

export interface ImageResponse {
  url: string;
  /** Bytes that crossed the network (headers and body); 0 when the browser's cache answered. */
  bytes: number;
  fromCache: boolean;
}

/**
 * Records every image the page loads, through Chrome DevTools Protocol: what came from the
 * network and how many bytes, and what the HTTP cache answered. (An image taken from the
 * renderer's memory cache makes no request at all.) Start it before navigating.
 */
export async function recordImageTraffic(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  const responses = new Map<string, ImageResponse>();
  cdp.on("Network.responseReceived", (event) => {
    if (event.type !== "Image" || /^(data|blob):/.test(event.response.url)) return;
    const fromCache = Boolean(event.response.fromDiskCache || event.response.fromPrefetchCache || event.response.fromServiceWorker);
    responses.set(event.requestId, { url: event.response.url, bytes: 0, fromCache });
  });
  cdp.on("Network.loadingFinished", (event) => {
    const response = responses.get(event.requestId);
    if (response && !response.fromCache) response.bytes = event.encodedDataLength;
  });
  await cdp.send("Network.enable");
  return {
    responses: () => [...responses.values()],
    networkBytes: () => [...responses.values()].reduce((sum, r) => sum + r.bytes, 0),
  };
}

/** Just what waitForTileImages reads of the page: bench/ uses this file too, and its Node program has no DOM types. */
interface TileImages {
  document: { querySelectorAll(selector: string): Iterable<{ complete: boolean; naturalWidth: number }> };
}

/** Waits until `count` gallery tiles show a decoded image. */
export async function waitForTileImages(page: Page, count: number) {
  await page.waitForFunction(
    (n) => {
      const images = [...(globalThis as unknown as TileImages).document.querySelectorAll("li.card img")];
      return images.length === n && images.every((image) => image.complete && image.naturalWidth > 0);
    },
    count,
    { timeout: 120_000 },
  );
}
