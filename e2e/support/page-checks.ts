import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";

/** The error text an input points at through aria-describedby (what a screen reader reads with it). */
export async function describedError(input: Locator): Promise<string> {
  await input.and(input.page().locator('[aria-invalid="true"]')).waitFor();
  return input.evaluate((element) =>
    (element.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .map((id) => document.getElementById(id))
      .filter((node) => node?.classList.contains("field-error"))
      .map((node) => node!.textContent)
      .join(" "),
  );
}

export async function waitForCards(page: Page, count: number, status?: string) {
  const selector = status ? `li.card[data-status="${status}"]` : "li.card";
  await page.waitForFunction(([s, n]) => document.querySelectorAll(s as string).length === n, [selector, count] as const);
}

/** Nothing sticks out sideways: the page works at this width without horizontal scrolling. */
export async function assertNoHorizontalScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `page is ${scrollWidth}px wide in a ${clientWidth}px viewport`);
}

export function assertNoProblems(problems: string[]) {
  assert.deepEqual(problems, [], "uncaught errors or CSP violations");
}

/** Presses Tab (and only Tab) until the focused element matches `selector`; fails if it is not reachable. */
export async function tabTo(page: Page, selector: string, maxPresses = 30) {
  for (let i = 0; i <= maxPresses; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`${selector} is not reachable with Tab`);
}

/** The focused control shows a focus ring (for the hidden file input: its label, which is what is seen). */
export async function assertFocusVisible(page: Page) {
  const outline = await page.evaluate(() => {
    const focused = document.activeElement as HTMLElement;
    const shown = focused.matches("input[type=file]") ? (document.querySelector(`label[for="${focused.id}"]`) as HTMLElement) : focused;
    const style = getComputedStyle(shown);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), what: shown.outerHTML.slice(0, 80) };
  });
  assert.ok(outline.style !== "none" && outline.width >= 2, `no visible focus on ${outline.what}`);
}

/** Images on the page that failed to load (what shows as the broken-image icon). */
export async function brokenImages(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLImageElement>("img")].filter((image) => image.complete && image.naturalWidth === 0).map((image) => image.currentSrc || image.src),
  );
}
