import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { openPage, registerUser, uploadThroughApi } from "./support/app";
import { gradientPng, takenAt } from "./support/images";
import { assertNoProblems, waitForCards } from "./support/page-checks";
import { publishForDocs, screenshot } from "./support/screenshots";
import { signInThroughForm } from "./support/sign-in";

/** 25 photos over the first half of 2024 (more than a page of 24), three from the autumn of 2021 and one from March 2019. */
function longGallery() {
  const photos = [];
  for (let i = 0; i < 25; i++) {
    const day = `2024-0${1 + (i % 6)}-${String(1 + (i % 27)).padStart(2, "0")}`;
    photos.push(takenAt(gradientPng(`photo-${String(i).padStart(2, "0")}.png`, [30 + i * 8, 60, 200 - i * 6], [80 + i * 6, 120, 240 - i * 5], 48, 40), `${day}T12:00:00`));
  }
  photos.push(takenAt(gradientPng("sep-a.png", [90, 150, 60], [140, 200, 110], 48, 40), "2021-09-20T10:00:00"));
  photos.push(takenAt(gradientPng("sep-b.png", [60, 150, 90], [110, 200, 140], 48, 40), "2021-09-02T10:00:00"));
  photos.push(takenAt(gradientPng("aug.png", [150, 90, 60], [200, 140, 110], 40, 48), "2021-08-14T10:00:00"));
  photos.push(takenAt(gradientPng("old-photo.png", [150, 120, 60], [200, 170, 110], 48, 40), "2019-03-17T08:00:00"));
  return photos;
}

const allMonths = ["June 2024", "May 2024", "April 2024", "March 2024", "February 2024", "January 2024", "September 2021", "August 2021", "March 2019"];
/** Photos per month, newest first, as the scrubber divides its rail. */
const monthCounts = [4, 4, 4, 4, 4, 5, 2, 1, 1];

const shownNames = (page: Page) => page.locator("li.card .card-name").allTextContents();
const monthHeadings = (page: Page) => page.locator(".month-head").allTextContents();
const monthParam = (page: Page) => new URL(page.url()).searchParams.get("month");
/** Where a month's heading is, against the bottom of the sticky header: 0 to a few px when it is "at the top". */
const headingOffset = (page: Page, name: string) =>
  page.getByRole("heading", { name, exact: true }).evaluate((heading) => heading.getBoundingClientRect().top - (document.querySelector(".app-header")?.getBoundingClientRect().bottom ?? 0));

async function assertNoRepeats(page: Page) {
  const names = await shownNames(page);
  assert.equal(new Set(names).size, names.length, `repeated: ${names.join(", ")}`);
}

async function assertAtTop(page: Page, name: string) {
  await page.getByRole("heading", { name, exact: true }).waitFor();
  await page.waitForFunction(() => !document.querySelector(".newer:not([hidden]) button:disabled"));
  const offset = await headingOffset(page, name);
  assert.ok(offset >= 0 && offset < 48, `${name} is ${offset}px below the header`);
}

/** Neither the month list nor the timeline sticks out of a phone's width (the header is checked in phone.test.ts). */
async function assertWithinWidth(page: Page) {
  const right = await page.evaluate(() => Math.max(...[...document.querySelectorAll(".grid-tools, .grid-tools *, .timeline")].map((element) => element.getBoundingClientRect().right)));
  assert.ok(right <= 360, `the month list or the timeline reaches ${right}px in a 360px viewport`);
}

/** Where the gallery opens: scrolled to the top, June 2024 first. */
async function backAtTheTop(page: Page) {
  await page.waitForFunction(() => window.scrollY === 0 && document.querySelector(".month-head")?.textContent === "June 2024");
}

/** Scrolls up a screen at a time until the top, checking that the month in view never jumps as newer pages arrive above it. */
async function scrollToTheTop(page: Page) {
  const settled = () => page.waitForFunction(() => !document.querySelector(".newer:not([hidden]) button:disabled"));
  for (let i = 0; i < 40 && !(await page.evaluate(() => window.scrollY === 0 && document.querySelector(".newer")?.hasAttribute("hidden"))); i++) {
    await page.mouse.wheel(0, -500);
    await page.waitForFunction(() => new Promise((resolve) => requestAnimationFrame(() => resolve(true))));
    await settled();
  }
  await page.waitForFunction(() => window.scrollY === 0 && document.querySelector(".newer")?.hasAttribute("hidden"));
}

test("on a desktop, the scrubber jumps to a month not loaded yet (drag, click, keyboard), the list stays continuous both ways, and the URL, a reload and Back keep the place", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await uploadThroughApi(baseUrl, user, longGallery());
    // After sign-in, each of these is asked for once.
    const asked = { me: 0, firstPage: 0, timeline: 0 };
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === "/auth/me") asked.me++;
      if (url.pathname === "/images" && ![...url.searchParams.keys()].some((key) => ["cursor", "from", "before"].includes(key))) asked.firstPage++;
      if (url.pathname === "/images/timeline") asked.timeline++;
    });
    await signInThroughForm(page, user);
    await waitForCards(page, 24);
    const scrubber = page.getByRole("slider", { name: "Timeline" });
    await scrubber.waitFor();
    assert.deepEqual(asked, { me: 1, firstPage: 1, timeline: 1 });
    assert.deepEqual((await monthHeadings(page)).slice(0, 2), ["June 2024", "May 2024"]);
    assert.equal(await page.locator(".day-head").first().textContent(), "Monday, June 24");
    assert.equal(await scrubber.getAttribute("aria-valuetext"), "June 2024");
    assert.deepEqual(await page.locator(".scrubber-year").allTextContents(), ["2024", "2021", "2019"]);
    assert.equal(await page.locator(".month-list").count(), 0, "the phones' month list is not shown beside the scrubber");
    await screenshot(page, "desktop-timeline").then((path) => publishForDocs(path, "timeline"));

    // The rail is divided by photo counts: the middle of a month's share of it is that month.
    const box = (await scrubber.boundingBox())!;
    const total = monthCounts.reduce((a, b) => a + b, 0);
    const yOf = (month: string) => {
      const i = allMonths.indexOf(month);
      return box.y + ((monthCounts.slice(0, i).reduce((a, b) => a + b, 0) + monthCounts[i] / 2) / total) * box.height;
    };
    const x = box.x + box.width / 2;
    await page.mouse.move(x, yOf("August 2021"));
    assert.equal(await page.locator(".scrubber-label").textContent(), "August 2021");

    // Drag from June 2024 down to August 2021: the jump is made on release.
    await page.mouse.move(x, yOf("June 2024"));
    await page.mouse.down();
    await page.mouse.move(x, yOf("March 2024"), { steps: 4 });
    await page.mouse.move(x, yOf("August 2021"), { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(() => new URL(location.href).searchParams.get("month") === "2021-08");
    await assertAtTop(page, "August 2021");
    // The newer page just above loads at once (its sentinel is in reach); the month in view stays put as it comes in.
    await page.waitForFunction(() => document.querySelectorAll("li.card").length > 2);
    await assertAtTop(page, "August 2021");
    await page.waitForFunction(() => document.querySelector(".scrubber")?.getAttribute("aria-valuetext") === "August 2021");
    await screenshot(page, "desktop-timeline-scrubbed");

    // Scrolling up brings the newer months back, in order, without repeats.
    await scrollToTheTop(page);
    await waitForCards(page, 29);
    await assertNoRepeats(page);
    assert.deepEqual(await monthHeadings(page), allMonths);

    // A reload opens at the month in the URL.
    await page.reload();
    await assertAtTop(page, "August 2021");
    assert.equal(monthParam(page), "2021-08");

    // Back returns to where the jump was made from: the top of the newest months.
    await page.goBack();
    await page.waitForFunction(() => !new URL(location.href).searchParams.has("month"));
    await backAtTheTop(page);

    // A click and the keyboard: End is the oldest month, Home the newest; each goes into the URL.
    await page.mouse.click(x, yOf("September 2021"));
    await page.waitForFunction(() => new URL(location.href).searchParams.get("month") === "2021-09");
    await assertAtTop(page, "September 2021");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "slider");
    await page.keyboard.press("End");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("month") === "2019-03");
    await assertAtTop(page, "March 2019");
    assert.equal(await scrubber.getAttribute("aria-valuetext"), "March 2019");
    await page.keyboard.press("ArrowUp");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("month") === "2021-08");
    await assertAtTop(page, "August 2021");
    await page.keyboard.press("Home");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("month") === "2024-06");
    await assertAtTop(page, "June 2024");
    await assertNoRepeats(page);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("on a 360 px phone, a compact month list beside the photo size jumps to a month not loaded yet, pushes no photo down, and scrolling up brings the newer months back", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 360, height: 780, deviceScaleFactor: 3 });
  try {
    const user = await registerUser(baseUrl);
    await uploadThroughApi(baseUrl, user, longGallery());
    await signInThroughForm(page, user);
    await waitForCards(page, 24);
    const button = page.getByRole("button", { name: /^Months/ });
    await button.waitFor();
    assert.equal(await page.locator(".scrubber").count(), 0);
    await page.locator(".row-size").waitFor();
    // The button shares the tools' row: without it the first photo would start at the same place.
    const firstPhotoTop = () => page.locator("li.card").first().evaluate((card) => card.getBoundingClientRect().top + window.scrollY);
    const withList = await firstPhotoTop();
    await page.locator(".month-list").evaluate((list) => ((list as HTMLElement).style.display = "none"));
    assert.equal(await firstPhotoTop(), withList, "the month list pushes the photos down");
    await page.locator(".month-list").evaluate((list) => ((list as HTMLElement).style.display = ""));
    await assertWithinWidth(page);

    await button.click();
    const list = page.getByRole("dialog", { name: "Months" });
    await list.waitFor();
    await list.getByRole("link", { name: /^August 2021/ }).click();
    await list.waitFor({ state: "hidden" });
    await page.waitForFunction(() => new URL(location.href).searchParams.get("month") === "2021-08");
    await assertAtTop(page, "August 2021");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "August 2021");

    await scrollToTheTop(page);
    await waitForCards(page, 29);
    await assertNoRepeats(page);
    assert.deepEqual(await monthHeadings(page), allMonths);
    await assertWithinWidth(page);

    await page.goBack();
    await page.waitForFunction(() => !new URL(location.href).searchParams.has("month"));
    await backAtTheTop(page);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
