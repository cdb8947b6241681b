import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { albumThroughApi, openPage, registerUser, signInThroughApi, uploadThroughApi } from "./support/app";
import { gradientPng } from "./support/images";
import { assertNoHorizontalScroll, assertNoProblems, tabTo } from "./support/page-checks";
import { publishForDocs, screenshot } from "./support/screenshots";

/** A 3:4 portrait, a landscape, a square and a panorama: four shapes for the rows and the viewer. */
const photos = () => [
  gradientPng("tall-portrait.png", [30, 90, 40], [90, 180, 110], 600, 800),
  gradientPng("wide-landscape.png", [200, 20, 30], [250, 70, 60], 480, 320),
  gradientPng("square.png", [20, 50, 200], [70, 110, 250], 400, 400),
  gradientPng("panorama.png", [200, 160, 20], [250, 210, 90], 900, 300),
];

/**
 * An owner's album of the four photos with the square as its cover, shared once; answers the link,
 * and a way to read the link's view count. The renditions are made first: the page shows thumbs.
 */
async function sharedAlbum(baseUrl: string) {
  const user = await registerUser(baseUrl);
  await uploadThroughApi(baseUrl, user, photos());
  const auth = { authorization: `Bearer ${await signInThroughApi(baseUrl, user)}`, "content-type": "application/json" };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { images } = (await (await fetch(`${baseUrl}/images?limit=10`, { headers: auth })).json()) as { images: { id: string; file_name: string; renditions_status: string }[] };
    if (images.length === 4 && images.every((image) => image.renditions_status === "done")) break;
    assert.ok(Date.now() < deadline, `renditions: ${images.map((image) => image.renditions_status)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const albumId = await albumThroughApi(baseUrl, user, "Sunday walk", photos().map((photo) => photo.name));
  const { images } = (await (await fetch(`${baseUrl}/images?limit=10`, { headers: auth })).json()) as { images: { id: string; file_name: string }[] };
  const cover = images.find((image) => image.file_name === "square.png")?.id;
  const patched = await fetch(`${baseUrl}/albums/${albumId}`, { method: "PATCH", headers: auth, body: JSON.stringify({ cover_image_id: cover }) });
  assert.equal(patched.status, 200);
  const created = await fetch(`${baseUrl}/albums/${albumId}/shares`, { method: "POST", headers: auth, body: JSON.stringify({ expires_in: 3600 }) });
  assert.equal(created.status, 201);
  const { url } = (await created.json()) as { url: string };
  const views = async () => {
    const listed = (await (await fetch(`${baseUrl}/albums/${albumId}/shares`, { headers: auth })).json()) as { shares: { views: number }[] };
    return listed.shares[0].views;
  };
  return { user, url, cover, views };
}

/**
 * Runs a test as a visitor (a context of its own, no session) of the link `share` makes, collecting
 * every console error or warning and every CSP violation event the page sees; a passing run leaves both empty.
 */
async function asVisitor<T extends { url: string }>(viewport: { width: number; height: number; deviceScaleFactor?: number }, share: (baseUrl: string) => Promise<T>, run: (page: Page, shared: T) => Promise<void>) {
  const visitor = await openPage(viewport);
  const { page } = visitor;
  const consoleMessages: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") consoleMessages.push(`${message.type()}: ${message.text()}`);
  });
  await page.clock.install();
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { violations: string[] }).violations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  try {
    const shared = await share(visitor.baseUrl);
    const response = await page.goto(shared.url);
    assert.equal(response?.status(), 200);
    await run(page, shared);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { violations: string[] }).violations), [], "CSP violations");
    assert.deepEqual(consoleMessages, [], "console errors or warnings");
    assertNoProblems(visitor.problems);
  } finally {
    await visitor.close();
  }
}

/** Every tile loaded its thumb; tiles on one row share a height, every row but the last fills the list, and each keeps its photo's shape. */
async function assertJustifiedTiles(page: Page) {
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>(".pictures img")].every((img) => img.complete && img.naturalWidth > 0));
  const { tiles, width } = await page.evaluate(() => ({
    width: document.querySelector(".pictures")!.clientWidth,
    tiles: [...document.querySelectorAll<HTMLImageElement>(".pictures img")].map((img) => {
      const box = img.getBoundingClientRect();
      return { x: box.x, y: Math.round(box.y), width: box.width, height: box.height, shape: img.naturalWidth / img.naturalHeight, src: img.currentSrc };
    }),
  }));
  assert.equal(tiles.length, 4);
  for (const tile of tiles) {
    assert.match(tile.src, /size=thumb&ticket=/);
    assert.ok(Math.abs(tile.width / tile.height - tile.shape) < 0.03, `a ${tile.shape.toFixed(2)} photo drawn ${tile.width}×${tile.height}`);
  }
  const rows = [...new Set(tiles.map((tile) => tile.y))].map((y) => tiles.filter((tile) => tile.y === y));
  for (const [i, row] of rows.entries()) {
    const heights = row.map((tile) => tile.height);
    assert.ok(Math.max(...heights) - Math.min(...heights) <= 1, `row ${i}: heights ${heights}`);
    const used = row.at(-1)!.x + row.at(-1)!.width - row[0].x;
    if (i < rows.length - 1) assert.ok(Math.abs(used - width) <= 2, `row ${i} is ${used} of ${width} px`);
  }
}

/** The viewer is open at this picture: its display copy (not the thumb), whole in the window and filling one side of it. */
async function assertShowing(page: Page, position: number) {
  await page.locator(".viewer .counter").getByText(`${position} / 4`, { exact: true }).waitFor();
  const shown = page.locator(".viewer .stage img").last();
  await page.waitForFunction(() => {
    const img = [...document.querySelectorAll<HTMLImageElement>(".viewer .stage img")].at(-1);
    return img?.complete && img.naturalWidth > 0;
  });
  const drawn = await shown.evaluate((img: HTMLImageElement) => {
    const scale = Math.min(img.clientWidth / img.naturalWidth, img.clientHeight / img.naturalHeight);
    const box = img.getBoundingClientRect();
    return { src: img.currentSrc, width: img.naturalWidth * scale, height: img.naturalHeight * scale, box: { x: box.x, y: box.y, width: box.width, height: box.height } };
  });
  const window = page.viewportSize()!;
  assert.doesNotMatch(drawn.src, /size=thumb/);
  assert.match(drawn.src, /\/s\/[\w-]{43}\/images\/[\w-]+\?ticket=/);
  assert.deepEqual(drawn.box, { x: 0, y: 0, width: window.width, height: window.height });
  assert.ok(drawn.width <= window.width + 0.5 && drawn.height <= window.height + 0.5, `drawn ${drawn.width}×${drawn.height}`);
  assert.ok(drawn.width >= window.width - 0.5 || drawn.height >= window.height - 0.5, `drawn ${drawn.width}×${drawn.height} in ${window.width}×${window.height}`);
  assert.equal(new URL(page.url()).hash, `#${new URL(drawn.src).pathname.split("/").pop()}`);
}

const isOpen = (page: Page) => page.evaluate(() => document.querySelector("dialog.viewer")?.hasAttribute("open"));

async function swipe(page: Page, from: number, to: number) {
  const session = await page.context().newCDPSession(page);
  const y = page.viewportSize()!.height / 2;
  await session.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: from, y }] });
  for (let step = 1; step <= 5; step++) await session.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: from + ((to - from) * step) / 5, y }] });
  await session.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await session.detach();
}

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 360, height: 780, deviceScaleFactor: 3 },
]) {
  test(`a visitor at ${viewport.width}×${viewport.height} browses an album link in justified rows and a viewer, by keyboard and by swipe, with no console error and one view counted`, async () => {
    await asVisitor(viewport, sharedAlbum, async (page, { user, url, cover, views }) => {
      await page.getByRole("heading", { name: "Sunday walk" }).waitFor();
      const html = await page.content();
      for (const secret of [user.username, user.email, ".png"]) assert.ok(!html.includes(secret), `the page shows ${secret}`);
      assert.match((await page.locator('meta[property="og:image"]').getAttribute("content")) ?? "", new RegExp(`^${url}/images/${cover}\\?ticket=`));
      await assertJustifiedTiles(page);
      await assertNoHorizontalScroll(page);

      // Keyboard only: the first tile, Enter, the arrows, Escape back to the tile.
      await tabTo(page, ".pictures li:first-child a");
      await page.keyboard.press("Enter");
      await assertShowing(page, 1);
      assert.equal(await page.evaluate(() => document.activeElement?.matches(".viewer .close")), true, "focus is on the viewer's close button");
      await page.keyboard.press("ArrowRight");
      await assertShowing(page, 2);
      await page.keyboard.press("ArrowRight");
      await assertShowing(page, 3);
      await page.keyboard.press("ArrowLeft");
      await assertShowing(page, 2);
      const shot = await screenshot(page, `share-viewer-${viewport.width}`);
      if (viewport.width === 1280) await publishForDocs(shot, "share-viewer");
      await page.keyboard.press("Escape");
      await page.waitForFunction(() => !document.querySelector("dialog.viewer")?.hasAttribute("open"));
      assert.equal(new URL(page.url()).hash, "");
      assert.equal(await page.evaluate(() => document.activeElement?.closest(".pictures li") === document.querySelectorAll(".pictures li")[1]), true, "focus is back on the tile last shown");

      // Swipes, as a finger does them: left for the next picture, right for the previous one; Back closes.
      await page.locator(".pictures li:first-child a").click();
      await assertShowing(page, 1);
      await swipe(page, viewport.width * 0.8, viewport.width * 0.2);
      await assertShowing(page, 2);
      await swipe(page, viewport.width * 0.8, viewport.width * 0.2);
      await assertShowing(page, 3);
      await swipe(page, viewport.width * 0.2, viewport.width * 0.8);
      await assertShowing(page, 2);
      await page.getByRole("button", { name: "Next picture" }).click();
      await assertShowing(page, 3);
      await page.goBack();
      await page.waitForFunction(() => !document.querySelector("dialog.viewer")?.hasAttribute("open"));
      assert.equal(await isOpen(page), false);
      await page.getByRole("heading", { name: "Sunday walk" }).waitFor();
      // The pictures, thumbs and display copies, counted nothing: one page view is one view.
      assert.equal(await views(), 1);
    });
  });
}

test("once the pictures' ticket has run out, the viewer asks for nothing more and offers a reload, which reopens the picture as one more view", async () => {
  await asVisitor({ width: 1280, height: 800 }, sharedAlbum, async (page, { views }) => {
    await page.getByRole("heading", { name: "Sunday walk" }).waitFor();
    await assertJustifiedTiles(page);
    await page.locator(".pictures li:first-child a").click();
    await assertShowing(page, 1);
    const asked: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/s/")) asked.push(request.url());
    });
    // The album's ticket lasts 15 minutes; the page stops a little before, as the server would refuse.
    await page.clock.fastForward("15:00");
    const notice = page.getByRole("dialog", { name: "Picture viewer" }).getByRole("alert");
    await notice.getByText(/links have run out/).waitFor();
    await page.keyboard.press("ArrowRight");
    await page.locator(".viewer .counter").getByText("2 / 4", { exact: true }).waitFor();
    assert.deepEqual(asked, [], "no picture is asked for with a spent ticket");
    assert.equal(await views(), 1);
    await notice.getByRole("button", { name: "Reload" }).click();
    await page.waitForLoadState("load");
    await assertShowing(page, 2);
    assert.equal(await views(), 2);
  });
});

test("a visitor of an image link at 360×780 sees the picture with the app's icon and no console error", async () => {
  const shareImage = async (baseUrl: string) => {
    const user = await registerUser(baseUrl);
    await uploadThroughApi(baseUrl, user, [photos()[0]]);
    const auth = { authorization: `Bearer ${await signInThroughApi(baseUrl, user)}`, "content-type": "application/json" };
    const { images } = (await (await fetch(`${baseUrl}/images?limit=1`, { headers: auth })).json()) as { images: { id: string }[] };
    const created = await fetch(`${baseUrl}/images/${images[0].id}/shares`, { method: "POST", headers: auth, body: JSON.stringify({ expires_in: 3600 }) });
    assert.equal(created.status, 201);
    return (await created.json()) as { url: string };
  };
  await asVisitor({ width: 360, height: 780, deviceScaleFactor: 3 }, shareImage, async (page) => {
    await page.waitForFunction(() => document.images.length === 1 && document.images[0].complete && document.images[0].naturalWidth > 0);
    const icon = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href);
    assert.equal(icon, new URL("/favicon.svg", page.url()).href);
    assert.equal((await page.request.get(icon)).status(), 200);
  });
});
