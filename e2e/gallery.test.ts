import assert from "node:assert/strict";
import { test } from "node:test";
import { newUser, openPage } from "./support/app";
import { bluePortrait, redLandscape } from "./support/images";
import { assertNoProblems, describedError, waitForCards } from "./support/page-checks";
import { publishForDocs, screenshot } from "./support/screenshots";

test("a new user signs up, uploads two images, finds one by its description, opens it, deletes it and signs out", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const response = await page.goto("/");
    assert.match(response?.headers()["content-security-policy"] ?? "", /script-src 'self'/);
    await page.waitForURL(/\/login\?next=%2F$/);
    await screenshot(page, "desktop-login");

    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByRole("heading", { name: "Create an account" }).waitFor();
    const user = newUser();
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill("password");
    await page.getByRole("button", { name: "Create account" }).click();
    assert.match(await describedError(page.getByLabel("Password")), /^Password is too common/);
    await screenshot(page, "desktop-signup");
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();

    await page.getByRole("heading", { name: "Your images" }).waitFor();
    await page.getByRole("heading", { name: "No images yet" }).waitFor();
    await screenshot(page, "desktop-gallery-empty");

    // A slow uplink makes the real upload progress visible between 0 and 100 %.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 16 * 1024 });
    await page.locator("#upload-input").setInputFiles([redLandscape(), bluePortrait()]);
    await page.waitForFunction(() => [...document.querySelectorAll("progress")].some((bar) => bar.value > 0 && bar.value < 1));
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    // Finished uploads clear themselves after 10 s: read them as soon as both are in.
    await page.waitForFunction(() => [...document.querySelectorAll("li.upload .upload-status")].every((status) => status.textContent === "Uploaded"));
    await waitForCards(page, 2, "done");
    await screenshot(page, "desktop-gallery").then((path) => publishForDocs(path, "gallery"));

    await page.getByRole("searchbox", { name: "Search images" }).fill("blue");
    await page.waitForURL(/\?q=blue$/);
    await page.getByRole("heading", { name: "Results for “blue”" }).waitFor();
    await waitForCards(page, 1);
    await page.locator("li.card a").click();
    await page.getByRole("dialog", { name: "blue-portrait.png, viewer" }).waitFor();
    await page.getByRole("link", { name: "Sharing, download and delete" }).click();

    await page.waitForURL(/\/i\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name: "blue-portrait.png", level: 1 }).waitFor();
    assert.match(await page.locator(".ai-text").first().textContent() ?? "", /^Offline analysis: .*blue/);
    const alt = await page.locator(".detail-media img").getAttribute("alt");
    assert.equal(alt, await page.locator("h2:has-text('Alt text') + p").textContent());
    await screenshot(page, "desktop-detail").then((path) => publishForDocs(path, "detail"));

    await page.getByRole("link", { name: "Show images tagged blue" }).click();
    await page.waitForURL(/\/\?tag=blue$/);
    await page.getByRole("heading", { name: "Tagged “blue”" }).waitFor();
    await waitForCards(page, 1);
    await page.locator("li.card a").click();
    await page.getByRole("link", { name: "Sharing, download and delete" }).click();

    await page.getByRole("button", { name: "Delete image" }).click();
    const dialog = page.getByRole("dialog", { name: "Move this image to the trash?" });
    await dialog.getByRole("button", { name: "Move to trash" }).click();
    await page.waitForURL(`${baseUrl}/`);
    await waitForCards(page, 1);
    assert.equal(await page.locator("li.card .card-name").textContent(), "red-landscape.png");

    await page.locator("summary").click();
    await page.getByRole("link", { name: "Account settings" }).click();
    await page.getByRole("heading", { name: "Account", exact: true }).waitFor();
    await screenshot(page, "desktop-account");

    await page.locator("summary").click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${baseUrl}/login`);
    await page.goto("/");
    await page.waitForURL(/\/login\?next=%2F$/);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
