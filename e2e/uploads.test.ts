import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, registerUser } from "./support/app";
import { bluePortrait, redLandscape } from "./support/images";
import { assertNoProblems, waitForCards } from "./support/page-checks";
import { holdPartPuts } from "./support/part-puts";
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
    await page.getByRole("button", { name: "Show files" }).click();
    const row = (name: string) => page.locator("li.upload", { hasText: name });
    await row("notes.txt").and(page.locator('[data-state="failed"]')).waitFor();
    assert.match(await row("notes.txt").locator(".upload-status").textContent() ?? "", /^Not a supported image/);
    // The browser's codec cannot read it either, so it goes as it is, and the server refuses it.
    await row("broken.png").and(page.locator('[data-state="failed"]')).waitFor();
    assert.match(await row("broken.png").locator(".upload-status").textContent() ?? "", /cut off|truncated|corrupt/i);

    // The slow upload's part is held in the browser before it reaches the bucket, so Cancel always
    // comes first; cancelling aborts the multipart upload on the server (DELETE).
    const gate = await holdPartPuts(page.context());
    await page.locator("#upload-input").setInputFiles(bluePortrait());
    await row("blue-portrait.png").and(page.locator('[data-state="uploading"]')).waitFor();
    const aborted = page.waitForResponse((response) => response.request().method() === "DELETE" && /\/uploads\/s3\/multipart\//.test(response.url()));
    await page.getByRole("button", { name: "Cancel upload of blue-portrait.png" }).click();
    await row("blue-portrait.png").and(page.locator('[data-state="cancelled"]')).waitFor();
    assert.equal((await aborted).status(), 204);
    await gate.dropHeld();
    await gate.release();

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

test("a finished batch's panel closes by itself; one with a failure stays, with the reason, until closed", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await signInThroughForm(page, user);
    const panel = page.locator(".upload-panel");
    const headline = () => panel.locator("[role=status]");

    await page.locator("#upload-input").setInputFiles([redLandscape(), { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not an image") }]);
    await page.locator('.upload-panel[data-state="done"]').waitFor();
    assert.equal(await headline().textContent(), "1 uploaded · 1 failed");
    await page.getByRole("button", { name: "Show files" }).click();
    assert.match((await page.locator("li.upload", { hasText: "notes.txt" }).locator(".upload-status").textContent()) ?? "", /^Not a supported image/);
    await panel.getByRole("button", { name: "Close" }).click();
    await panel.waitFor({ state: "detached" });

    await page.locator("#upload-input").setInputFiles(bluePortrait());
    await page.locator('.upload-panel[data-state="done"]').waitFor();
    assert.equal(await headline().textContent(), "1 uploaded");
    // It leaves by itself, 10 s after the batch is all in.
    await panel.waitFor({ state: "detached", timeout: 30_000 });
    await waitForCards(page, 2);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
