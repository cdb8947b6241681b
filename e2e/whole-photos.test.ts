import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { asUserWithFiles } from "./support/as-user";
import { gradientPng, redLandscape } from "./support/images";

/** A 3:4 portrait, as a phone camera takes them, and a landscape beside it. */
const photos = () => [gradientPng("tall-portrait.png", [30, 90, 40], [90, 180, 110], 600, 800), redLandscape()];

/** Where the viewer's photo is drawn, against the window. */
async function shownPhoto(page: Page) {
  const image = page.locator(".viewer-stage img");
  await image.evaluate((img: HTMLImageElement) => img.decode());
  const box = await image.boundingBox();
  assert.ok(box);
  const window = page.viewportSize();
  assert.ok(window);
  return { box, window };
}

/** The whole photo on screen, at least 60 % of the window's height, its shape kept. */
async function assertWholeAndLarge(page: Page, when: string) {
  const { box, window } = await shownPhoto(page);
  const edges = { left: box.x, top: box.y, right: box.x + box.width, bottom: box.y + box.height };
  assert.ok(edges.left >= -0.5 && edges.top >= -0.5 && edges.right <= window.width + 0.5 && edges.bottom <= window.height + 0.5, `${when}: cut off at ${JSON.stringify(edges)}`);
  assert.ok(box.height >= 0.6 * window.height, `${when}: ${((100 * box.height) / window.height).toFixed(1)} % of the window's height`);
  assert.ok(Math.abs(box.width / box.height - 0.75) < 0.01, `${when}: drawn ${box.width}×${box.height}`);
  return Math.round((1000 * box.height) / window.height) / 10;
}

async function openPortrait(page: Page) {
  await page.locator("li.card a", { hasText: "tall-portrait.png" }).click();
  await page.getByRole("dialog", { name: "tall-portrait.png, viewer" }).waitFor();
}

async function toggleDetails(page: Page) {
  await page.getByRole("button", { name: /Details|Hide details/ }).click();
}

test("at 1280×800 the viewer shows a whole portrait photo, with and without its details, and still zooms", () =>
  asUserWithFiles({ width: 1280, height: 800 }, photos(), async ({ page }) => {
    await openPortrait(page);
    assert.equal(await page.getByRole("complementary", { name: "Details" }).isVisible(), true);
    const withPanel = await assertWholeAndLarge(page, "with details");
    await toggleDetails(page);
    const alone = await assertWholeAndLarge(page, "without details");
    console.log(`portrait at 1280×800: ${withPanel} % of the height with details, ${alone} % without`);
    await page.locator(".viewer-stage").dblclick();
    await page.locator(".viewer-stage[data-zoomed]").waitFor();
    const zoomed = await page.locator(".viewer-stage img").boundingBox();
    assert.ok(zoomed && zoomed.height > 800, "zoomed in, the photo grows past the window");
  }));

test("on a 360×780 phone at 3× the viewer shows a whole portrait photo, with and without its details", () =>
  asUserWithFiles({ width: 360, height: 780, deviceScaleFactor: 3 }, photos(), async ({ page }) => {
    await openPortrait(page);
    assert.equal(await page.getByRole("complementary", { name: "Details" }).isVisible(), false);
    const alone = await assertWholeAndLarge(page, "without details");
    await toggleDetails(page);
    await page.getByRole("complementary", { name: "Details" }).waitFor();
    const withPanel = await assertWholeAndLarge(page, "with details");
    console.log(`portrait at 360×780: ${alone} % of the height without details, ${withPanel} % with`);
  }));
