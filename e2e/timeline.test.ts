import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { openPage, registerUser, uploadThroughApi } from "./support/app";
import { gradientPng, takenAt } from "./support/images";
import { assertNoHorizontalScroll, assertNoProblems, waitForCards } from "./support/page-checks";
import { publishForDocs, screenshot } from "./support/screenshots";
import { signInThroughForm } from "./support/sign-in";

/** 25 photos over the first half of 2024 (more than a page of 24) and one from March 2019. */
function longGallery() {
  const photos = [];
  for (let i = 0; i < 25; i++) {
    const day = `2024-0${1 + (i % 6)}-${String(1 + (i % 27)).padStart(2, "0")}`;
    photos.push(takenAt(gradientPng(`photo-${String(i).padStart(2, "0")}.png`, [30 + i * 8, 60, 200 - i * 6], [80 + i * 6, 120, 240 - i * 5], 48, 40), `${day}T12:00:00`));
  }
  photos.push(takenAt(gradientPng("old-photo.png", [150, 120, 60], [200, 170, 110], 48, 40), "2019-03-17T08:00:00"));
  return photos;
}

const atLeastCards = (page: Page, count: number) => page.waitForFunction((n) => document.querySelectorAll("li.card").length >= n, count);
const shownNames = (page: Page) => page.locator("li.card .card-name").allTextContents();
const monthHeadings = (page: Page) => page.locator(".month-head").allTextContents();

async function assertNoRepeats(page: Page) {
  const names = await shownNames(page);
  assert.equal(new Set(names).size, names.length, `repeated: ${names.join(", ")}`);
}

for (const { label, viewport } of [
  { label: "desktop", viewport: { width: 1280, height: 800 } },
  { label: "360 px phone", viewport: { width: 360, height: 740 } },
]) {
  test(`on a ${label}, the timeline heads months and days newest first and jumps to a month not loaded yet, by pointer and by keyboard`, async () => {
    const { page, baseUrl, problems, close } = await openPage(viewport);
    try {
      const user = await registerUser(baseUrl);
      await uploadThroughApi(baseUrl, user, longGallery());
      // After sign-in, each of these is asked for once.
      const asked = { me: 0, firstPage: 0, timeline: 0 };
      page.on("request", (request) => {
        const url = new URL(request.url());
        if (url.pathname === "/auth/me") asked.me++;
        if (url.pathname === "/images" && !url.searchParams.has("cursor") && !url.searchParams.has("from")) asked.firstPage++;
        if (url.pathname === "/images/timeline") asked.timeline++;
      });
      await signInThroughForm(page, user);
      await atLeastCards(page, 24);
      await page.locator(".month-head").first().waitFor();
      assert.deepEqual(asked, { me: 1, firstPage: 1, timeline: 1 });
      assert.deepEqual((await monthHeadings(page)).slice(0, 2), ["June 2024", "May 2024"]);
      assert.equal(await page.locator(".day-head").first().textContent(), "Monday, June 24");
      if (label === "desktop") await screenshot(page, "desktop-timeline").then((path) => publishForDocs(path, "timeline"));
      else await assertNoHorizontalScroll(page);

      // Pointer: March 2019 is beyond the first page; the jump loads from there.
      await page.getByLabel("Jump to").selectOption("2019-03");
      await page.getByRole("button", { name: "Go" }).click();
      await page.getByRole("heading", { name: "March 2019" }).waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), "March 2019");
      assert.deepEqual(await shownNames(page), ["old-photo.png"]);
      await page.getByRole("button", { name: "Back to the newest" }).click();
      await page.getByRole("heading", { name: "June 2024" }).waitFor();
      await atLeastCards(page, 24);
      if (label !== "desktop") {
        // On a phone the first page fills several screens: the viewer fetches the next page itself at its end.
        await waitForCards(page, 24);
        await page.locator("li.card a").nth(23).click();
        await page.getByRole("dialog", { name: /, viewer$/ }).waitFor();
        await page.getByRole("button", { name: "Next image" }).and(page.locator(":enabled")).waitFor();
        await page.keyboard.press("ArrowRight");
        await page.waitForFunction(() => /, 25 of 26$/.test(document.querySelector(".viewer [aria-live]")?.textContent ?? ""));
        await page.keyboard.press("Escape");
        await page.getByRole("dialog").waitFor({ state: "detached" });
        await waitForCards(page, 26);
        await assertNoRepeats(page);
      }

      // Keyboard: the month list is a select; a loaded month is scrolled to, the rest load in without gaps or repeats.
      await page.getByLabel("Jump to").focus();
      await page.keyboard.press("Home");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.activeElement?.textContent === "May 2024");
      // Scrolling to the end loads the rest.
      await page.locator(".sentinel").scrollIntoViewIfNeeded();
      await waitForCards(page, 26);
      await assertNoRepeats(page);
      assert.deepEqual(await monthHeadings(page), ["June 2024", "May 2024", "April 2024", "March 2024", "February 2024", "January 2024", "March 2019"]);
      assertNoProblems(problems);
    } finally {
      await close();
    }
  });
}
