import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { albumThroughApi } from "./support/app";
import { asUserWithFiles } from "./support/as-user";
import { bluePortrait, gradientPng, redLandscape, takenAt } from "./support/images";
import { assertNoHorizontalScroll, waitForCards } from "./support/page-checks";
import { publishForDocs, screenshot } from "./support/screenshots";

/** Three photos taken on known days: the timeline shows green (2024), then red, then blue (2023). */
const photos = () => [
  takenAt(bluePortrait(), "2023-12-24T10:00:00"),
  takenAt(redLandscape(), "2024-05-06T09:30:00"),
  takenAt(gradientPng("green-square.png", [20, 140, 40], [60, 200, 90], 360, 360), "2024-05-06T18:45:00"),
];

const viewer = (page: Page, name: string) => page.getByRole("dialog", { name: `${name}, viewer` });
const announced = (page: Page) => page.locator(".viewer [aria-live]").textContent();
/** The shown image's zoom and pan, read back from its CSS transform. */
async function stageTransform(page: Page) {
  const transform = await page.locator(".viewer-stage img").evaluate((image: HTMLImageElement) => image.style.transform);
  const match = /translate\((-?[\d.]+)px, (-?[\d.]+)px\) scale\(([\d.]+)\)/.exec(transform);
  assert.ok(match, `unexpected transform ${transform}`);
  return { x: Number(match[1]), y: Number(match[2]), scale: Number(match[3]) };
}

/** Touch points moved in five steps, as fingers on a phone's screen (Chromium's own touch input, through CDP). */
async function touch(page: Page, from: { x: number; y: number }[], to: { x: number; y: number }[]) {
  const cdp = await page.context().newCDPSession(page);
  const at = (step: number) => from.map((point, id) => ({ id, x: point.x + (to[id].x - point.x) * step, y: point.y + (to[id].y - point.y) * step }));
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: at(0) });
  for (const step of [0.2, 0.4, 0.6, 0.8, 1]) await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: at(step) });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}

const focusedTile = (page: Page) => page.evaluate(() => document.activeElement?.closest("li.card")?.querySelector(".card-name")?.textContent ?? document.activeElement?.outerHTML.slice(0, 100));

test("with the pointer, the viewer walks the gallery's list, zooms, hides its panel, and closes by Escape and by Back", () =>
  asUserWithFiles({ width: 1280, height: 800 }, photos(), async ({ page }) => {
    await page.locator("li.card a", { hasText: "green-square.png" }).click();
    await viewer(page, "green-square.png").waitFor();
    assert.match(page.url(), /\/i\/[0-9a-f-]{36}$/);
    assert.equal(await announced(page), "green-square.png, 1 of 3");
    const panel = page.getByRole("complementary", { name: "Details" });
    await panel.getByText("May 6, 2024").waitFor();
    // The gallery stays underneath, inert while the viewer is open.
    assert.equal(await page.locator("#root").getAttribute("inert"), "");
    await page.locator(".viewer-stage img").waitFor();
    await screenshot(page, "desktop-viewer").then((path) => publishForDocs(path, "viewer"));

    await page.getByRole("button", { name: "Next image" }).click();
    await viewer(page, "red-landscape.png").waitFor();
    assert.equal(await announced(page), "red-landscape.png, 2 of 3");
    await page.getByRole("button", { name: "Next image" }).click();
    await viewer(page, "blue-portrait.png").waitFor();
    assert.equal(await page.getByRole("button", { name: "Next image" }).isDisabled(), true);
    await page.getByRole("button", { name: "Previous image" }).click();
    await viewer(page, "red-landscape.png").waitFor();

    const stage = page.locator(".viewer-stage");
    await stage.dblclick();
    await page.locator(".viewer-stage[data-zoomed]").waitFor();
    await stage.dblclick();
    await page.locator(".viewer-stage:not([data-zoomed])").waitFor();
    await stage.hover();
    await page.mouse.wheel(0, -400);
    await page.locator(".viewer-stage[data-zoomed]").waitFor();
    // Zoomed in, a drag pans the image and does not move to another one.
    const box = await stage.boundingBox();
    assert.ok(box);
    const before = await stageTransform(page);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 40, box.y + box.height / 2 + 10);
    await page.mouse.move(box.x + box.width / 2 - 80, box.y + box.height / 2 + 20);
    await page.mouse.up();
    const dragged = await stageTransform(page);
    assert.deepEqual({ dx: dragged.x - before.x, dy: dragged.y - before.y, scale: dragged.scale }, { dx: -80, dy: 20, scale: before.scale });
    assert.equal(await announced(page), "red-landscape.png, 2 of 3");

    await page.getByRole("button", { name: "Hide details" }).click();
    await panel.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Details" }).click();
    await panel.waitFor();

    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(new URL(page.url()).pathname, "/");
    assert.equal(await focusedTile(page), "red-landscape.png");

    await page.locator("li.card a", { hasText: "blue-portrait.png" }).click();
    await viewer(page, "blue-portrait.png").waitFor();
    await page.goBack();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(await focusedTile(page), "blue-portrait.png");
    await waitForCards(page, 3);
  }));

test("with the keyboard, the viewer opens from a tile, keeps focus inside, moves by arrows over search results and returns focus on Escape", () =>
  asUserWithFiles({ width: 1280, height: 800 }, photos(), async ({ page }) => {
    // The viewer walks what the gallery shows: here the search's two results.
    await page.getByRole("searchbox", { name: "Search images" }).fill("landscape");
    await page.waitForURL(/\?q=landscape$/);
    await page.waitForFunction(() => [...document.querySelectorAll("li.card .card-name")].map((n) => n.textContent).join() === "red-landscape.png");

    await page.locator("li.card a").focus();
    await page.keyboard.press("Enter");
    const dialog = viewer(page, "red-landscape.png");
    await dialog.waitFor();
    assert.equal(await announced(page), "red-landscape.png, 1 of 1");
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press("Tab");
      assert.ok(await page.evaluate(() => Boolean(document.activeElement?.closest(".viewer"))), "focus left the viewer");
    }
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(await focusedTile(page), "red-landscape.png");
    assert.match(page.url(), /\?q=landscape$/);

    await page.getByRole("button", { name: "Show all images" }).click();
    await page.waitForFunction(() => document.querySelectorAll("li.card").length === 3);
    await page.locator("li.card a", { hasText: "green-square.png" }).focus();
    await page.keyboard.press("Enter");
    await viewer(page, "green-square.png").waitFor();
    await page.keyboard.press("ArrowRight");
    await viewer(page, "red-landscape.png").waitFor();
    await page.keyboard.press("ArrowRight");
    await viewer(page, "blue-portrait.png").waitFor();
    assert.equal(await announced(page), "blue-portrait.png, 3 of 3");
    await page.keyboard.press("ArrowLeft");
    await viewer(page, "red-landscape.png").waitFor();
    await page.keyboard.press("+");
    await page.locator(".viewer-stage[data-zoomed]").waitFor();
    const transform = () => page.locator(".viewer-stage img").evaluate((image: HTMLImageElement) => image.style.transform);
    const zoomedAt = await transform();
    await page.keyboard.press("Shift+ArrowLeft");
    assert.notEqual(await transform(), zoomedAt);
    await viewer(page, "red-landscape.png").waitFor();
    await page.keyboard.press("0");
    await page.locator(".viewer-stage:not([data-zoomed])").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(await focusedTile(page), "red-landscape.png");
  }));

test("on a 360 px phone the viewer swipes between images, and its URL opened directly is the image's page with the capture date", () =>
  asUserWithFiles({ width: 360, height: 740 }, photos(), async ({ page }) => {
    await page.locator("li.card a", { hasText: "green-square.png" }).click();
    await viewer(page, "green-square.png").waitFor();
    await assertNoHorizontalScroll(page);
    const box = await page.locator(".viewer-stage").boundingBox();
    assert.ok(box);
    const swipe = async (from: number, to: number) => {
      await page.mouse.move(box.x + from, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + (from + to) / 2, box.y + box.height / 2);
      await page.mouse.move(box.x + to, box.y + box.height / 2);
      await page.mouse.up();
    };
    await swipe(300, 40);
    await viewer(page, "red-landscape.png").waitFor();
    await screenshot(page, "phone-viewer");
    await swipe(40, 300);
    await viewer(page, "green-square.png").waitFor();
    const url = page.url();

    // Two fingers spread from 40 to 160 px apart zoom 4×; then one finger pans, and does not swipe.
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await touch(page, [{ x: cx - 20, y: cy }, { x: cx + 20, y: cy }], [{ x: cx - 80, y: cy }, { x: cx + 80, y: cy }]);
    await page.locator(".viewer-stage[data-zoomed]").waitFor();
    const pinched = await stageTransform(page);
    assert.ok(Math.abs(pinched.scale - 4) < 0.01, `pinch gave scale ${pinched.scale}`);
    await touch(page, [{ x: cx, y: cy }], [{ x: cx - 100, y: cy + 30 }]);
    const panned = await stageTransform(page);
    assert.deepEqual({ dx: Math.round(panned.x - pinched.x), dy: Math.round(panned.y - pinched.y), scale: panned.scale }, { dx: -100, dy: 30, scale: pinched.scale });
    assert.equal(await announced(page), "green-square.png, 1 of 3");
    await page.locator(".viewer-stage").dblclick();
    await page.locator(".viewer-stage:not([data-zoomed])").waitFor();

    const direct = await page.context().newPage();
    await direct.goto(url);
    await direct.getByRole("heading", { name: "green-square.png", level: 1 }).waitFor();
    assert.equal(await direct.getByRole("dialog").count(), 0);
    await direct.locator(".facts").getByText("May 6, 2024").waitFor();
    await assertNoHorizontalScroll(direct);
    await direct.close();
  }));

test("over an album, the viewer walks the album's images only, closes back to the album, and its URL opened directly opens over the album", () =>
  asUserWithFiles({ width: 1280, height: 800 }, photos(), async ({ page, baseUrl, user }) => {
    const albumId = await albumThroughApi(baseUrl, user, "Holidays", ["green-square.png", "blue-portrait.png"]);
    await page.goto(`/a/${albumId}`);
    await page.getByRole("heading", { name: "Holidays" }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll("li.card").length === 2);

    await page.locator("li.card a", { hasText: "green-square.png" }).click();
    await viewer(page, "green-square.png").waitFor();
    assert.match(new URL(page.url()).pathname, new RegExp(`^/a/${albumId}/i/[0-9a-f-]{36}$`));
    assert.equal(await announced(page), "green-square.png, 1 of 2");
    assert.equal(await page.locator("#root").getAttribute("inert"), "");
    await page.keyboard.press("ArrowRight");
    await viewer(page, "blue-portrait.png").waitFor();
    assert.equal(await announced(page), "blue-portrait.png, 2 of 2");
    // red-landscape.png is in the gallery, not in the album: the walk ends here.
    assert.equal(await page.getByRole("button", { name: "Next image" }).isDisabled(), true);
    const url = page.url();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(new URL(page.url()).pathname, `/a/${albumId}`);
    assert.equal(await focusedTile(page), "blue-portrait.png");

    // By keyboard from the tile that has focus, and closed by Back.
    await page.keyboard.press("Enter");
    await viewer(page, "blue-portrait.png").waitFor();
    await page.keyboard.press("ArrowLeft");
    await viewer(page, "green-square.png").waitFor();
    await page.goBack();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(new URL(page.url()).pathname, `/a/${albumId}`);

    const direct = await page.context().newPage();
    await direct.goto(url);
    await viewer(direct, "blue-portrait.png").waitFor();
    assert.equal(await direct.locator(".viewer [aria-live]").textContent(), "blue-portrait.png, 2 of 2");
    await direct.getByRole("button", { name: "Close viewer" }).click();
    await direct.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(new URL(direct.url()).pathname, `/a/${albumId}`);
    await direct.getByRole("heading", { name: "Holidays" }).waitFor();

    // An image deleted since (or an id never there) says so, and closes back to the album.
    await direct.goto(`/a/${albumId}/i/${crypto.randomUUID()}`);
    await direct.getByRole("dialog").getByRole("alert").getByText("This image is not there any more").waitFor();
    await direct.getByRole("button", { name: "Close viewer" }).click();
    await direct.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(new URL(direct.url()).pathname, `/a/${albumId}`);
    await direct.close();
  }));
