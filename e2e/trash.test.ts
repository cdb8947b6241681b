import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { asUserWithFiles } from "./support/as-user";
import { gradientPng, takenAt } from "./support/images";
import { waitForCards } from "./support/page-checks";
import { publishForDocs, screenshot } from "./support/screenshots";

/** Three photos a day apart: the gallery shows c, b, a. */
const threePhotos = () =>
  ["a", "b", "c"].map((name, i) => takenAt(gradientPng(`${name}.png`, [60 + i * 60, 90, 160], [120 + i * 40, 150, 220], 64, 48), `2024-06-0${i + 1}T10:00:00`));

const cardNames = (page: Page) => page.locator("li.card .card-name").allTextContents();
const undoBar = (page: Page) => page.getByRole("region", { name: "Undo" });

/** The bar's message, once it says `expected` (an assertion names what it said instead). */
async function undoSays(page: Page, expected: string) {
  const status = undoBar(page).getByRole("status");
  await page.waitForFunction((text) => document.querySelector("[aria-label='Undo'] [role=status]")?.textContent === text, expected, { timeout: 10_000 }).catch(() => undefined);
  assert.equal(await status.textContent(), expected);
}

async function trashSelected(page: Page, names: string[]) {
  for (const name of names) await page.getByLabel(`Select ${name}`).click();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const count = names.length === 1 ? "1 image" : `${names.length} images`;
  await page.getByRole("dialog", { name: `Move ${count} to the trash?` }).getByRole("button", { name: "Move to trash" }).click();
}

test("a delete moves to the trash and Undo brings it back, from a selection and from the image's page", () =>
  asUserWithFiles({ width: 1280, height: 800 }, threePhotos(), async ({ page, baseUrl }) => {
    await trashSelected(page, ["b.png"]);
    await undoSays(page, "“b.png” moved to the trash.");
    await waitForCards(page, 2);
    assert.deepEqual(await cardNames(page), ["c.png", "a.png"]);
    await screenshot(page, "desktop-undo");
    await undoBar(page).getByRole("button", { name: "Undo" }).click();
    await undoSays(page, "“b.png” restored.");
    await waitForCards(page, 3);
    assert.deepEqual(await cardNames(page), ["c.png", "b.png", "a.png"]);

    const href = await page.locator("li.card a", { hasText: "a.png" }).getAttribute("href");
    await page.goto(href ?? "/");
    await page.getByRole("button", { name: "Delete image" }).click();
    await page.getByRole("dialog", { name: "Move this image to the trash?" }).getByRole("button", { name: "Move to trash" }).click();
    await page.waitForURL(`${baseUrl}/`);
    await undoSays(page, "“a.png” moved to the trash.");
    await waitForCards(page, 2);
    await undoBar(page).getByRole("button", { name: "Undo" }).click();
    await waitForCards(page, 3);
    await undoBar(page).getByRole("button", { name: "Dismiss" }).click();
    await undoBar(page).waitFor({ state: "detached" });
  }));

test("the Trash page lists what was deleted with its days left; Restore, Delete forever and Empty trash (confirmed) do what they say", () =>
  asUserWithFiles({ width: 1280, height: 800 }, threePhotos(), async ({ page }) => {
    await trashSelected(page, ["a.png", "b.png", "c.png"]);
    await undoSays(page, "3 images moved to the trash.");
    await page.getByLabel(/^Account menu/).click();
    await page.getByRole("link", { name: "Trash", exact: true }).click();
    await page.waitForURL(/\/bin$/);
    await page.getByRole("heading", { name: "Trash", level: 1 }).waitFor();
    await waitForCards(page, 3);
    assert.deepEqual(await page.locator("li.card .trash-days").allTextContents(), ["30 days left", "30 days left", "30 days left"]);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>("li.card img")].every((img) => img.complete && img.naturalWidth > 0));
    await screenshot(page, "desktop-trash").then((path) => publishForDocs(path, "trash"));

    await page.getByRole("button", { name: "Restore b.png" }).click();
    await page.getByText("“b.png” restored to your library.").waitFor();
    await waitForCards(page, 2);

    await page.getByRole("button", { name: "Delete a.png forever" }).click();
    const forever = page.getByRole("dialog", { name: "Delete forever?" });
    // The dialog starts on Cancel: closing it deletes nothing.
    await forever.getByRole("button", { name: "Cancel" }).click();
    await waitForCards(page, 2);
    await page.getByRole("button", { name: "Delete a.png forever" }).click();
    await forever.getByRole("button", { name: "Delete forever" }).click();
    await page.getByText("“a.png” deleted for good.").waitFor();
    await waitForCards(page, 1);

    await page.getByRole("button", { name: "Empty trash" }).click();
    await page.getByRole("dialog", { name: "Empty the trash?" }).getByRole("button", { name: "Empty trash" }).click();
    await page.getByRole("heading", { name: "The trash is empty" }).waitFor();

    await page.getByRole("link", { name: "Images", exact: true }).click();
    await waitForCards(page, 1);
    assert.deepEqual(await cardNames(page), ["b.png"]);
  }));

test("a star on a tile and in the viewer puts photos in Favourites; unstarring takes them out", () =>
  asUserWithFiles({ width: 1280, height: 800 }, threePhotos(), async ({ page }) => {
    const tileStar = page.getByRole("button", { name: "Favourite a.png" });
    assert.equal(await tileStar.getAttribute("aria-pressed"), "false");
    await tileStar.click();
    await page.waitForFunction(() => document.querySelector("[aria-label='Favourite a.png']")?.getAttribute("aria-pressed") === "true");
    // The star toggles in place: the tile was not opened.
    assert.equal(new URL(page.url()).pathname, "/");

    await page.locator("li.card a", { hasText: "c.png" }).click();
    const viewer = page.getByRole("dialog", { name: "c.png, viewer" });
    await viewer.waitFor();
    await viewer.getByRole("button", { name: "Favourite c.png" }).click();
    await page.waitForFunction(() => document.querySelector(".viewer-panel [aria-label='Favourite c.png']")?.getAttribute("aria-pressed") === "true");
    await page.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached" });

    await page.getByRole("link", { name: "Favourites" }).click();
    await page.waitForURL(/\/favourites$/);
    await page.getByRole("heading", { name: "Favourites", level: 1 }).waitFor();
    await waitForCards(page, 2);
    assert.deepEqual(await cardNames(page), ["c.png", "a.png"]);
    await screenshot(page, "desktop-favourites");

    await page.getByRole("button", { name: "Favourite c.png" }).click();
    await waitForCards(page, 1);
    assert.deepEqual(await cardNames(page), ["a.png"]);
    await page.reload();
    await waitForCards(page, 1);
    assert.deepEqual(await cardNames(page), ["a.png"]);
  }));
