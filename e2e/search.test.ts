import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { openPage, registerUser } from "./support/app";
import { gradientPng } from "./support/images";
import { assertNoHorizontalScroll, assertNoProblems, tabTo, waitForCards } from "./support/page-checks";
import { signInThroughForm } from "./support/sign-in";
import { uploadThroughForm } from "./support/upload-form";

/** Names as cameras and people write them: what a search by part of a name must find. */
const files = () => [
  gradientPng("jolla.jpg.png", [200, 20, 30], [250, 70, 60], 160, 120),
  gradientPng("DSCN0010.png", [20, 50, 200], [70, 110, 250], 160, 120),
  gradientPng("summer holiday beach.png", [20, 140, 40], [60, 200, 90], 160, 120),
];

const shownNames = (page: Page) => page.locator("li.card .card-name").allTextContents();

/** Waits until the gallery shows exactly `names` (in any order). */
async function waitForNames(page: Page, names: string[]) {
  await page.waitForFunction(
    (expected) => {
      const shown = [...document.querySelectorAll("li.card .card-name")].map((n) => n.textContent ?? "").sort();
      return JSON.stringify(shown) === JSON.stringify([...expected].sort());
    },
    names,
  );
}

for (const { label, viewport, keyboard } of [
  { label: "with the pointer on a desktop", viewport: { width: 1280, height: 800 }, keyboard: false },
  { label: "with the keyboard on a 360 px phone", viewport: { width: 360, height: 740 }, keyboard: true },
]) {
  test(`${label}, search finds names by prefix and infix, words in any order, case aside, and opens a result`, async () => {
    const { page, baseUrl, problems, close } = await openPage(viewport);
    try {
      const user = await registerUser(baseUrl);
      await signInThroughForm(page, user);
      await uploadThroughForm(page, files());
      await waitForCards(page, 3, "done");

      const box = page.getByRole("searchbox", { name: "Search images" });
      if (keyboard) await tabTo(page, 'input[type="search"]');
      else await box.click();
      // An infix of the name, lower case: "jolla" inside "jolla.jpg.png", "dscn0010" for DSCN0010.
      await page.keyboard.type("olla");
      await page.waitForURL(/\?q=olla$/);
      await waitForNames(page, ["jolla.jpg.png"]);
      await page.keyboard.press("Control+A");
      await page.keyboard.type("dscn0010");
      await waitForNames(page, ["DSCN0010.png"]);
      // Words in any order.
      await page.keyboard.press("Control+A");
      await page.keyboard.type("beach summer");
      await waitForNames(page, ["summer holiday beach.png"]);
      assert.deepEqual(await shownNames(page), ["summer holiday beach.png"]);
      if (viewport.width === 360) await assertNoHorizontalScroll(page);

      // The result opens in the viewer, by Tab and Enter or by a click.
      if (keyboard) {
        await tabTo(page, "li.card a");
        await page.keyboard.press("Enter");
      } else {
        await page.locator("li.card a", { hasText: "summer holiday beach.png" }).click();
      }
      await page.getByRole("dialog", { name: "summer holiday beach.png, viewer" }).waitFor();
      assert.equal(await page.locator(".viewer [aria-live]").textContent(), "summer holiday beach.png, 1 of 1");
      assertNoProblems(problems);
    } finally {
      await close();
    }
  });
}
