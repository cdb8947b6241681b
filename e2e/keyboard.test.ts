import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, registerUser } from "./support/app";
import { redLandscape } from "./support/images";
import { assertFocusVisible, assertNoProblems, tabTo, waitForCards } from "./support/page-checks";

test("with the keyboard only, a user signs in, uploads through the file input and deletes the image after confirming", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    // Listening from the start turns on Playwright's file chooser interception well before Space is
    // pressed: subscribing sends updateSubscription without waiting for it, so a listener added just
    // before the key press can race it, and Chromium then opens (and headless drops) its own dialog.
    const chooser = page.waitForEvent("filechooser", { timeout: 120_000 });
    chooser.catch(() => undefined); // awaited below; a test that fails first leaves no unhandled rejection
    const user = await registerUser(baseUrl);
    await page.goto("/login");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await tabTo(page, "input[type=email]");
    await assertFocusVisible(page);
    await page.keyboard.type(user.email);
    await page.keyboard.press("Tab");
    await tabTo(page, "input[type=password]", 0);
    await page.keyboard.type(user.password);
    await page.keyboard.press("Enter");

    await page.getByRole("heading", { name: "Your images" }).waitFor();
    await tabTo(page, "#upload-input");
    await assertFocusVisible(page);
    await page.keyboard.press("Space");
    await (await chooser).setFiles(redLandscape());
    await waitForCards(page, 1, "done");

    await tabTo(page, "li.card a");
    await assertFocusVisible(page);
    await page.keyboard.press("Enter");
    // The tile opens the viewer; its panel links to the image's own page (sharing, delete).
    await page.getByRole("dialog", { name: "red-landscape.png, viewer" }).waitFor();
    await tabTo(page, ".viewer-panel a[href^='/i/']");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "red-landscape.png", level: 1 }).waitFor();

    await tabTo(page, "button.danger");
    await assertFocusVisible(page);
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Move this image to the trash?" }).waitFor();
    // The dialog starts on Cancel, so Enter alone never deletes.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Move to trash");
    await page.keyboard.press("Space");

    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole("heading", { name: "No images yet" }).waitFor();
    await waitForCards(page, 0);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
