import assert from "node:assert/strict";
import { test } from "node:test";
import { newUser, openPage } from "./support/app";
import { bluePortrait } from "./support/images";
import { assertNoHorizontalScroll, assertNoProblems, waitForCards } from "./support/page-checks";
import { screenshot } from "./support/screenshots";
import { openImagePage } from "./support/image-page";

test("on a 360 px wide phone in dark mode every page fits the width and works", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 360, height: 740 }, "dark");
  const fits = async (name: string) => {
    await assertNoHorizontalScroll(page);
    await screenshot(page, `phone-${name}`);
  };
  try {
    await page.goto("/signup");
    await page.getByRole("heading", { name: "Create an account" }).waitFor();
    await fits("signup");
    const user = newUser();
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "No images yet" }).waitFor();
    await fits("gallery-empty");

    await page.locator("#upload-input").setInputFiles(bluePortrait());
    await waitForCards(page, 1, "done");
    await fits("gallery");

    await openImagePage(page.locator("li.card a"));
    await page.getByRole("heading", { name: "blue-portrait.png" }).waitFor();
    await page.getByText("Offline analysis").waitFor();
    await fits("detail");

    await page.locator("summary").click();
    await page.getByRole("link", { name: "Account settings" }).click();
    await page.getByRole("heading", { name: "Account", exact: true }).waitFor();
    await fits("account");

    await page.locator("summary").click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${baseUrl}/login`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await fits("login");
    assert.equal(await page.locator("summary").count(), 0);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
