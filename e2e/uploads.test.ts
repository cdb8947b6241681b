import assert from "node:assert/strict";
import { test } from "node:test";
import type { Route } from "playwright-core";
import { openPage, registerUser } from "./support/app";
import { bluePortrait, redLandscape } from "./support/images";
import { assertNoProblems, waitForCards } from "./support/page-checks";
import { signInThroughForm } from "./support/sign-in";

test("each file gets its own outcome: a non-image is refused before upload, a corrupt one by the server, a slow one can be cancelled; a dropped file uploads", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await page.goto("/login");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "No images yet" }).waitFor();

    const corrupt = { ...redLandscape(), name: "broken.png" };
    corrupt.buffer = corrupt.buffer.subarray(0, 200);
    await page.locator("#upload-input").setInputFiles([
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not an image") },
      corrupt,
    ]);
    const row = (name: string) => page.locator("li.upload", { hasText: name });
    await row("notes.txt").and(page.locator('[data-state="failed"]')).waitFor();
    assert.match(await row("notes.txt").locator(".upload-status").textContent() ?? "", /^Not a supported image/);
    await row("broken.png").and(page.locator('[data-state="failed"]')).waitFor();
    assert.match(await row("broken.png").locator(".upload-status").textContent() ?? "", /cut off|truncated|corrupt/i);

    // The slow upload is held in the browser before it reaches the server, so Cancel always comes
    // first (throttling the line did not: Chromium had sent a small body whole by the time Cancel was
    // clicked on a loaded machine, and the server stored it).
    const uploads = "**/images/upload";
    const held: Route[] = [];
    await page.route(uploads, (route) => {
      held.push(route);
    });
    await page.locator("#upload-input").setInputFiles(bluePortrait());
    await row("blue-portrait.png").and(page.locator('[data-state="uploading"]')).waitFor();
    await page.getByRole("button", { name: "Cancel upload of blue-portrait.png" }).click();
    await row("blue-portrait.png").and(page.locator('[data-state="cancelled"]')).waitFor();
    // Left pending, unroute would let the held request go on to the server.
    for (const route of held) await route.abort().catch(() => undefined);
    await page.unroute(uploads);

    await page.getByRole("button", { name: "Dismiss notes.txt" }).click();
    assert.equal(await row("notes.txt").count(), 0);
    await page.reload();
    await page.getByRole("heading", { name: "No images yet" }).waitFor();
    await waitForCards(page, 0);

    const dropped = redLandscape();
    const dataTransfer = await page.evaluateHandle(({ name, bytes }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name, { type: "image/png" }));
      return transfer;
    }, { name: dropped.name, bytes: [...dropped.buffer] });
    await page.locator(".uploader").dispatchEvent("drop", { dataTransfer });
    await waitForCards(page, 1, "done");
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("finished uploads clear themselves after a while, or at once with Clear finished; a failed one stays until dismissed", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await signInThroughForm(page, user);
    const row = (name: string) => page.locator("li.upload", { hasText: name });

    await page.locator("#upload-input").setInputFiles([redLandscape(), { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not an image") }]);
    await row("red-landscape.png").and(page.locator('[data-state="done"]')).waitFor();
    await page.getByRole("button", { name: "Clear finished" }).click();
    assert.equal(await row("red-landscape.png").count(), 0);
    assert.equal(await row("notes.txt").count(), 1);

    await page.locator("#upload-input").setInputFiles(bluePortrait());
    await row("blue-portrait.png").and(page.locator('[data-state="done"]')).waitFor();
    // It leaves by itself (10 s after finishing); the failed row is still there, with its reason.
    await row("blue-portrait.png").waitFor({ state: "detached", timeout: 30_000 });
    assert.match((await row("notes.txt").locator(".upload-status").textContent()) ?? "", /^Not a supported image/);
    await waitForCards(page, 2);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
