import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, registerUser, uploadThroughApi } from "./support/app";
import { gradientPng } from "./support/images";
import { assertNoProblems, waitForCards } from "./support/page-checks";

test("the gallery loads the next page of images when the end of the grid scrolls into view", async () => {
  // Narrow and short, so a page of 24 reaches well below the fold.
  const { page, baseUrl, problems, close } = await openPage({ width: 700, height: 600 });
  try {
    const user = await registerUser(baseUrl);
    // One more than a page (24), each different so none is a duplicate.
    const files = Array.from({ length: 25 }, (_, i) => gradientPng(`shade-${String(i).padStart(2, "0")}.png`, [20, 40 + i * 4, 120], [60, 80 + i * 4, 200], 48, 48));
    await uploadThroughApi(baseUrl, user, files);

    await page.goto("/login?next=%2F");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await waitForCards(page, 24);
    await page.getByRole("button", { name: "Load more" }).waitFor();
    await page.locator("li.card").last().scrollIntoViewIfNeeded();
    await waitForCards(page, 25);
    assert.equal(await page.locator("li.card .card-name").last().textContent(), "shade-00.png");
    assert.equal(await page.getByRole("button", { name: "Load more" }).count(), 0);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
