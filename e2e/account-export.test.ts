import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { openPage, registerUser } from "./support/app";
import { bluePortrait, type FilePayload, redLandscape } from "./support/images";
import { assertNoHorizontalScroll, assertNoProblems, tabTo, waitForCards } from "./support/page-checks";
import { publishForDocs, screenshot } from "./support/screenshots";

/** One sign-in (they are rate-limited per address), uploads through the gallery, then the account page. */
async function signInToAccount(page: Page, user: { email: string; password: string }, files: FilePayload[]) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your images" }).waitFor();
  await page.locator("#upload-input").setInputFiles(files);
  await waitForCards(page, files.length, "done");
  await page.locator("summary").click();
  await page.getByRole("link", { name: "Account settings" }).click();
  await page.getByRole("heading", { name: "Account", exact: true }).waitFor();
}

/** Every text the progress line showed, recorded as it changed (a small ZIP is done in moments). */
async function recordProgress(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const line = document.querySelector(".export-zip [aria-live]")?.textContent;
      if (line && seen.at(-1) !== line) seen.push(line);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

const progressSeen = (page: Page) => page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);

const top = (page: Page, heading: string) => page.getByRole("heading", { name: heading }).evaluate((node) => node.closest("section")?.getBoundingClientRect().top ?? -1);

test("on a desktop the account page uses two columns, and the ZIP export shows its progress, can be cancelled, and downloads", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    await signInToAccount(page, user, [redLandscape(), bluePortrait()]);
    assert.equal(await top(page, "Privacy"), await top(page, "Your data"), "Privacy and Your data side by side");
    await screenshot(page, "desktop-account").then((path) => publishForDocs(path, "account"));

    // A slow downlink keeps the export in flight long enough to watch its progress and cancel it.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: 8 * 1024, uploadThroughput: -1 });
    let downloads = 0;
    page.on("download", () => downloads++);
    await page.getByRole("button", { name: "Download everything (ZIP)" }).click();
    await page.locator(".export-zip [aria-live]").getByText(/ of about [\d.]+ KB$/).waitFor();
    await page.getByRole("button", { name: "Cancel download" }).click();
    await page.getByText("Download cancelled.").waitFor();
    await page.getByRole("button", { name: "Download everything (ZIP)" }).waitFor();
    assert.equal(downloads, 0);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    await recordProgress(page);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download everything (ZIP)" }).click();
    const saved = await download;
    assert.match(saved.suggestedFilename(), /\.zip$/);
    const bytes = await readFile(await saved.path());
    assert.equal(bytes.subarray(0, 2).toString("latin1"), "PK");
    await page.getByText(/^Downloaded .+\.$/).waitFor();
    const seen = await progressSeen(page);
    assert.ok(seen.some((line) => / (received|of (about )?[\d.]+ [KM]?B)$/.test(line)), `progress shown: ${JSON.stringify(seen)}`);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("on a 360 px phone the account cards stack in one column, and the ZIP export works by keyboard", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 360, height: 740 });
  try {
    const user = await registerUser(baseUrl);
    await signInToAccount(page, user, [redLandscape()]);
    assert.ok((await top(page, "Your data")) > (await top(page, "Privacy")), "Your data below Privacy");
    await assertNoHorizontalScroll(page);
    await tabTo(page, ".export-zip button", 60);
    const download = page.waitForEvent("download");
    await page.keyboard.press("Enter");
    assert.match((await download).suggestedFilename(), /\.zip$/);
    await page.getByText(/^Downloaded .+\.$/).waitFor();
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
