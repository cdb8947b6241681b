import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { signInThroughApi } from "./support/app";
import { asUserWithFiles } from "./support/as-user";
import { gradientPng, takenAt } from "./support/images";
import { assertNoHorizontalScroll, waitForCards } from "./support/page-checks";
import { publishForDocs, screenshot } from "./support/screenshots";

/** Four photos a day apart: the gallery shows d, c, b, a. */
const fourPhotos = () =>
  ["a", "b", "c", "d"].map((name, i) =>
    takenAt(gradientPng(`${name}.png`, [40 + i * 50, 90, 160 - i * 30], [90 + i * 40, 140, 210 - i * 30], 64, 48), `2024-04-0${i + 1}T10:00:00`),
  );

const selectedNames = (page: Page) => page.locator("li.card[data-selected] .card-name").allTextContents();
const summary = (page: Page) => page.getByRole("region", { name: "Selection" }).getByRole("status");

async function imageIdOf(page: Page, name: string) {
  const href = await page.locator("li.card a", { hasText: name }).getAttribute("href");
  return href?.split("/").at(-1) ?? "";
}

test("with the pointer: click and shift-click select, a bulk AI switch, an album picked by name, a ZIP, and a delete that half fails keeps the failed one selected", () =>
  asUserWithFiles({ width: 1280, height: 800 }, fourPhotos(), async ({ page, baseUrl, user }) => {

    await page.getByLabel("Select d.png").click();
    await page.getByLabel("Select b.png").click({ modifiers: ["Shift"] });
    assert.deepEqual(await selectedNames(page), ["d.png", "c.png", "b.png"]);
    await page.getByText("3 selected").waitFor();
    await screenshot(page, "desktop-selection").then((path) => publishForDocs(path, "selection"));

    await page.getByRole("button", { name: "Never send to AI" }).click();
    await summary(page).getByText("3 images kept from the AI.").waitFor();
    assert.deepEqual(await selectedNames(page), []);

    // In selection mode a click on a tile selects it instead of opening it.
    await page.getByLabel("Select a.png").click();
    await page.locator("li.card a", { hasText: "c.png" }).click();
    assert.deepEqual(await selectedNames(page), ["c.png", "a.png"]);
    assert.equal(new URL(page.url()).pathname, "/");

    await page.getByRole("button", { name: "Add to album" }).click();
    const picker = page.getByRole("dialog", { name: "Add to album" });
    await picker.getByLabel("New album").fill("Spring walk");
    await picker.getByRole("button", { name: "Add" }).click();
    await summary(page).getByText("2 images added to “Spring walk”.").waitFor();
    // The album now exists: the picker lists it.
    await page.getByLabel("Select d.png").click();
    await page.getByRole("button", { name: "Add to album" }).click();
    await picker.getByLabel("Spring walk").check();
    await picker.getByRole("button", { name: "Add" }).click();
    await summary(page).getByText("1 image added to “Spring walk”.").waitFor();

    await page.getByLabel("Select d.png").click();
    await page.getByLabel("Select c.png").click();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download" }).click();
    assert.match((await download).suggestedFilename(), /^images-\d{4}-\d{2}-\d{2}\.zip$/);
    await summary(page).getByText(/^2 images downloaded as images-/).waitFor();

    // c.png goes behind the UI's back: its part of the bulk delete fails, d.png's succeeds.
    const cId = await imageIdOf(page, "c.png");
    const token = await signInThroughApi(baseUrl, user);
    const gone = await fetch(`${baseUrl}/images/${cId}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
    assert.equal(gone.status, 204);
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("dialog", { name: "Move 2 images to the trash?" }).getByRole("button", { name: "Move to trash" }).click();
    await summary(page).getByText(/^1 image moved to the trash, 1 failed: c\.png \(.+\)$/).waitFor();
    await page.getByText("1 selected").waitFor();
    await page.waitForFunction(() => ![...document.querySelectorAll("li.card .card-name")].some((name) => name.textContent === "d.png"));
  }));

test("with the keyboard: Space, Enter, shift+arrows, shift+Space, Ctrl+A and Escape select; the bar deletes after confirming", () =>
  asUserWithFiles({ width: 1280, height: 800 }, fourPhotos(), async ({ page }) => {

    await page.getByLabel("Select d.png").focus();
    await page.keyboard.press("Space");
    assert.deepEqual(await selectedNames(page), ["d.png"]);
    await page.keyboard.press("Shift+ArrowRight");
    assert.deepEqual(await selectedNames(page), ["d.png", "c.png"]);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Select c.png");
    await page.keyboard.press("Escape");
    assert.deepEqual(await selectedNames(page), []);

    await page.keyboard.press("Enter");
    assert.deepEqual(await selectedNames(page), ["c.png"]);
    await page.getByLabel("Select a.png").focus();
    await page.keyboard.press("Shift+Space");
    assert.deepEqual(await selectedNames(page), ["c.png", "b.png", "a.png"]);
    await page.keyboard.press("Control+a");
    assert.deepEqual(await selectedNames(page), ["d.png", "c.png", "b.png", "a.png"]);
    await page.keyboard.press("Escape");
    await page.getByLabel("Select b.png").focus();
    await page.keyboard.press("Space");
    await page.keyboard.press("Shift+ArrowRight");
    assert.deepEqual(await selectedNames(page), ["b.png", "a.png"]);

    const deleteButton = page.getByRole("button", { name: "Delete", exact: true });
    await deleteButton.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Move 2 images to the trash?" });
    await dialog.waitFor();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Move to trash");
    await page.keyboard.press("Enter");
    await summary(page).getByText("2 images moved to the trash.").waitFor();
    await waitForCards(page, 2);
  }));

test("on a 360 px touch screen a long press enters selection mode, taps add to it, and the bar fits the width", () =>
  asUserWithFiles({ width: 360, height: 740 }, fourPhotos(), async ({ page }) => {

    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 1 });
    const centre = async (name: string) => {
      const tile = page.locator("li.card a", { hasText: name });
      await tile.evaluate((element) => element.scrollIntoView({ block: "center" }));
      const box = await tile.boundingBox();
      assert.ok(box);
      return { x: box.x + box.width / 2, y: box.y + box.height / 3 };
    };
    const touch = async (type: "touchStart" | "touchEnd", at: { x: number; y: number }) =>
      cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [at] });

    const onD = await centre("d.png");
    await touch("touchStart", onD);
    await page.locator("li.card[data-selected]").waitFor();
    await touch("touchEnd", onD);
    assert.deepEqual(await selectedNames(page), ["d.png"]);
    assert.equal(new URL(page.url()).pathname, "/");

    const onB = await centre("b.png");
    await touch("touchStart", onB);
    await touch("touchEnd", onB);
    await page.waitForFunction(() => document.querySelectorAll("li.card[data-selected]").length === 2);
    assert.deepEqual(await selectedNames(page), ["d.png", "b.png"]);
    await page.getByText("2 selected").waitFor();
    await assertNoHorizontalScroll(page);
    await screenshot(page, "phone-selection");

    await page.getByRole("button", { name: "Allow AI" }).click();
    await summary(page).getByText("2 images allowed to go to the AI.").waitFor();
  }));
