import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { openPage, registerUser, uploadThroughApi } from "./support/app";
import { gradientPng } from "./support/images";
import { assertNoProblems } from "./support/page-checks";
import { openImagePage } from "./support/image-page";

test("an analysis the AI refused shows as failed with a retry button, and the retry shows its result live", async () => {
  const { page, baseUrl, geminiUrl, adminToken, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    const file = gradientPng("refused.png", [20, 140, 40], [60, 200, 80], 120, 90);
    // The stand-in blocks the first analysis of exactly these bytes, as Gemini's safety filter would.
    const sha256 = createHash("sha256").update(file.buffer).digest("hex");
    const fault = await fetch(`${geminiUrl}/__admin/faults`, {
      method: "POST",
      headers: { "x-admin-token": adminToken },
      body: JSON.stringify({ sha256, faults: [{ type: "safety" }] }),
    });
    assert.equal(fault.ok, true, await fault.text());
    await uploadThroughApi(baseUrl, user, [file]);

    await page.goto("/login");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await openImagePage(page.locator("li.card a"));
    await page.getByRole("heading", { name: "refused.png" }).waitFor();
    await page.locator('.badge[data-status="failed"]').waitFor();
    await page.getByText("The AI declined to describe this image.").waitFor();

    await page.getByRole("button", { name: "Retry analysis" }).click();
    await page.locator('.badge[data-status="done"]').waitFor();
    assert.match(await page.locator(".ai-text").first().textContent() ?? "", /^Offline analysis: .*green/);
    assert.equal(await page.getByRole("button", { name: /Retry/ }).count(), 0);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
