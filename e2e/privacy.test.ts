import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { openPage, registerUser, updateSettingsThroughApi, uploadThroughApi } from "./support/app";
import { redLandscape } from "./support/images";
import { assertNoProblems, describedError } from "./support/page-checks";
import { screenshot } from "./support/screenshots";
import { openImagePage } from "./support/image-page";

test("a user sets privacy defaults, exports the data, edits an image's text, shares and revokes a link, and keeps the image from the AI", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await uploadThroughApi(baseUrl, user, [redLandscape()]);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl });
    await page.goto("/account");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();

    // A box changes only once the server has saved it.
    const keep = page.getByRole("checkbox", { name: "Keep location & camera data in new uploads" });
    await keep.and(page.locator(":enabled:not(:checked)")).waitFor();
    await keep.click();
    await keep.and(page.locator(":checked")).waitFor();
    await page.getByRole("status").getByText("Saved.").waitFor();
    await keep.click();
    await keep.and(page.locator(":not(:checked)")).waitFor();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download my data" }).click()]);
    assert.match(download.suggestedFilename(), /^image-service-export-.*\.json$/);
    const exported = JSON.parse(await readFile(await download.path(), "utf8")) as { user: { email: string }; images: { file_name: string }[] };
    assert.equal(exported.user.email, user.email);
    assert.deepEqual(exported.images.map((image) => image.file_name), ["red-landscape.png"]);

    await page.getByRole("link", { name: "Images" }).first().click();
    await openImagePage(page.locator("li.card a"));
    await page.getByRole("heading", { name: "red-landscape.png" }).waitFor();
    // The offline stand-in names itself, so its text never reads as Gemini's.
    await page.locator(".provenance", { hasText: /^Written by the local stand-in analyzer, not an AI \(local-stand-in-analyzer \(offline\)/ }).waitFor();
    assert.equal(await page.getByText("Nothing removed (kept, or none found)").count(), 1);

    await page.getByRole("button", { name: "Edit text" }).click();
    const tags = page.getByLabel("Tags");
    await tags.fill("a, b, c, d, e, f, g, h, i, j, k");
    await page.getByRole("button", { name: "Save" }).click();
    assert.match(await describedError(tags), /^Tags may hold at most 10 tags/);
    await tags.fill("red, sunset");
    const alt = "A red gradient, darker at the top left";
    await page.getByLabel("Alt text").fill(alt);
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator(".provenance", { hasText: /^Edited by you$/ }).waitFor();
    assert.equal(await page.locator(".detail-media img").getAttribute("alt"), alt);
    assert.deepEqual(await page.getByRole("list", { name: "Tags" }).getByRole("listitem").allTextContents(), ["red", "sunset"]);

    await page.getByLabel("Expires after").selectOption({ label: "1 hour" });
    await page.getByLabel("View limit").fill("5");
    await page.getByRole("button", { name: "Create link" }).click();
    const link = await page.getByLabel(/^Share link ·/).inputValue();
    assert.match(link, new RegExp(`^${baseUrl}/s/[\\w-]{43}$`));
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await page.getByText("Copied.").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    await page.getByRole("list", { name: "Share links" }).getByText("0 of 5 views").waitFor();
    await screenshot(page, "desktop-detail-shared");

    // Later, on another visit, the open link can be copied again from the list.
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await page.reload();
    await page.getByRole("list", { name: "Share links" }).getByRole("button", { name: /^Copy the link created/ }).click();
    await page.getByText("Copied.").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    assert.equal(await page.getByLabel(/^Share link ·/).inputValue(), link);

    const visitor = await page.context().newPage();
    const shared = await visitor.goto(link);
    assert.equal(shared?.status(), 200);
    const sharedImage = visitor.getByRole("img", { name: alt });
    await sharedImage.waitFor();
    assert.ok(await sharedImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), "the shared image did not load");
    await visitor.close();

    const shareList = page.getByRole("list", { name: "Share links" });
    await shareList.getByRole("button", { name: /^Revoke/ }).click();
    await page.getByRole("dialog", { name: "Revoke this link?" }).getByRole("button", { name: "Revoke" }).click();
    await shareList.getByText(/Revoked · 1 of 5 views$/).waitFor();
    assert.equal((await fetch(link)).status, 404);

    const noAi = page.getByRole("switch", { name: "Never send to AI" });
    await noAi.click();
    await page.getByRole("dialog", { name: "Never send this image to the AI?" }).getByRole("button", { name: "Delete AI text" }).click();
    await noAi.and(page.locator(":checked")).waitFor();
    await page.getByText("Kept from the AI, as you asked.").waitFor();
    assert.equal(await page.locator(".ai-text").count(), 0);
    assert.equal(await page.getByRole("button", { name: /Retry/ }).count(), 0);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("while the account keeps every image from the AI, an image's switch is locked on and says why", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await uploadThroughApi(baseUrl, user, [redLandscape()]);
    await updateSettingsThroughApi(baseUrl, user, { never_send_to_ai: true });
    await page.goto("/login");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await openImagePage(page.locator("li.card a"));
    await page.getByRole("heading", { name: "red-landscape.png" }).waitFor();

    const noAi = page.getByRole("switch", { name: "Never send to AI" });
    await noAi.and(page.locator(":checked:disabled")).waitFor();
    const reason = page.getByText("Locked on: your account is set to never send images to the AI.");
    await reason.waitFor();
    assert.equal(await noAi.getAttribute("aria-describedby"), await reason.getAttribute("id"));
    await reason.getByRole("link", { name: "Change it in your account settings." }).click();
    await page.waitForURL(/\/account$/);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
