import assert from "node:assert/strict";
import { test } from "node:test";
import { newUser, openPage } from "./support/app";
import { gradientPng } from "./support/images";
import { assertNoProblems } from "./support/page-checks";
import { screenshot } from "./support/screenshots";

test("the original system's frontend, on its own origin, signs up, signs in, uploads and lists the image with its AI description", async () => {
  const { page, baseUrl, originalFrontendUrl, problems, close } = await openPage({ width: 1280, height: 800 }, "light", { ownAddress: false });
  // Chromium reports a cross-origin answer it keeps from the page in the console ("blocked by CORS policy").
  const corsRefusals: string[] = [];
  page.on("console", (message) => {
    if (/CORS|Access-Control/i.test(message.text())) corsRefusals.push(message.text());
  });
  try {
    assert.notEqual(new URL(originalFrontendUrl).origin, new URL(baseUrl).origin);
    await page.goto(`${originalFrontendUrl}/?api=${encodeURIComponent(baseUrl)}`);
    const user = newUser();

    // A sign-up the modern rules refuse: the original shows the answer's message in an alert.
    await page.getByLabel("username").fill(user.username);
    await page.getByLabel("email").fill(user.email);
    await page.getByLabel("password").fill("password");
    // The click is not awaited before the alert is handled: a click still settling when the alert
    // opens waits on it, and would never return if the test waited on the click first.
    const clicked = page.getByRole("button", { name: "Signup" }).click();
    const dialog = await page.waitForEvent("dialog");
    assert.equal(dialog.message(), "password: is too common; choose another");
    await dialog.dismiss();
    await clicked;

    await page.getByLabel("username").fill(user.username);
    await page.getByLabel("email").fill(user.email);
    await page.getByLabel("password").fill(user.password);
    await page.getByRole("button", { name: "Signup" }).click();
    await page.getByRole("heading", { name: "Welcome Back" }).waitFor();

    await page.getByLabel("email").fill(user.email);
    await page.getByLabel("password").fill(user.password);
    await page.getByRole("button", { name: "Log In" }).click();
    await page.getByRole("heading", { name: `Welcome, ${user.username}` }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem("user")), user.username);
    await page.getByText("No Data Available").waitFor();

    await page.locator("#file").setInputFiles(gradientPng("original-upload.png", [20, 140, 40], [60, 200, 80], 160, 120));
    await page.getByRole("button", { name: "Upload" }).click();
    await page.locator("figure.card img").waitFor();
    assert.match((await page.locator("figure.card img").getAttribute("src")) ?? "", /X-Amz-Signature=/);

    // The AI text arrives after the upload; the original frontend shows it on its next load of the list.
    const description = await eventually(async () => {
      await page.reload();
      await page.locator("figure.card img").waitFor();
      const caption = page.locator("figure.card figcaption");
      if ((await caption.count()) === 0) throw new Error("no AI description yet");
      return caption.textContent();
    });
    assert.match(description ?? "", /^AI Suggestion: Offline analysis: .*green/);
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>("figure.card img");
      return image?.complete && image.naturalWidth === 160;
    });
    assert.equal(await page.locator("figure.card").count(), 1);
    await screenshot(page, "original-frontend");
    assert.deepEqual(corsRefusals, []);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

/** Retries `check` until it stops throwing; fails with its last error after the deadline. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}
