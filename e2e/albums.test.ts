import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { addAllToAlbumThroughApi, openPage, registerUser } from "./support/app";
import { bluePortrait, redLandscape } from "./support/images";
import { assertFocusVisible, assertNoHorizontalScroll, assertNoProblems, brokenImages, tabTo, waitForCards } from "./support/page-checks";
import { publishForDocs, screenshot } from "./support/screenshots";

const unavailable = "This link has expired, reached its view limit or was revoked.";

/** Signs in and uploads two images through the gallery (sign-ins are rate-limited per address: each test makes two). */
async function signInWithTwoImages(page: Page, user: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Your images" }).waitFor();
  // One after the other, so blue-portrait.png is the newest: the album's default cover.
  await page.locator("#upload-input").setInputFiles(redLandscape());
  await waitForCards(page, 1, "done");
  await page.locator("#upload-input").setInputFiles(bluePortrait());
  await waitForCards(page, 2, "done");
}

/** Opens the link in a browser context of its own (no cookies, no session): what a recipient sees. */
async function openAsStranger(viewport: { width: number; height: number }, url: string, check: (page: Page, status: number | undefined) => Promise<void>) {
  const stranger = await openPage(viewport);
  try {
    const response = await stranger.page.goto(url);
    await check(stranger.page, response?.status());
    assertNoProblems(stranger.problems);
  } finally {
    await stranger.close();
  }
}

const cardOf = (page: Page, name: string) => page.locator("li.card", { hasText: name });

test("with the pointer, a user creates, renames, fills, covers and shares an album; the link shows the album, not the owner, until revoked", async () => {
  const viewport = { width: 1280, height: 800 };
  const { page, baseUrl, problems, close } = await openPage(viewport);
  try {
    const user = await registerUser(baseUrl);
    await signInWithTwoImages(page, user);

    await page.getByRole("link", { name: "Albums" }).click();
    await page.getByRole("heading", { name: "Albums", exact: true }).waitFor();
    await page.getByText("No albums yet.").waitFor();
    await page.getByLabel("Album name").fill("Lake");
    await page.getByRole("button", { name: "Create album" }).click();
    await page.getByRole("heading", { name: "This album is empty" }).waitFor();
    const albumId = new URL(page.url()).pathname.split("/").at(-1) ?? "";

    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByLabel("Album name").fill("Lake trip");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Lake trip" }).waitFor();

    await addAllToAlbumThroughApi(baseUrl, user, albumId);
    await page.reload();
    await page.locator(".album-title .hint").getByText("2 images", { exact: true }).waitFor();
    await cardOf(page, "blue-portrait.png").getByText("Cover").waitFor();
    await page.getByRole("button", { name: "Make red-landscape.png the cover" }).click();
    await cardOf(page, "red-landscape.png").getByText("Cover").waitFor();
    await page.getByRole("button", { name: "Remove blue-portrait.png from the album" }).click();
    await page.locator(".album-title .hint").getByText("1 image", { exact: true }).waitFor();
    assert.equal(await cardOf(page, "blue-portrait.png").count(), 0);

    await page.getByRole("button", { name: "Create link" }).click();
    const link = await page.locator("#new-link").inputValue();
    assert.match(link, /\/s\/[\w-]{43}$/);
    assert.deepEqual(await brokenImages(page), []);
    await screenshot(page, "desktop-album").then((path) => publishForDocs(path, "album"));

    await openAsStranger(viewport, link, async (shared, status) => {
      assert.equal(status, 200);
      await shared.getByRole("heading", { name: "Lake trip" }).waitFor();
      const text = await shared.content();
      for (const secret of [user.username, user.email, "red-landscape"]) assert.ok(!text.includes(secret), `the shared page shows ${secret}`);
      await shared.waitForFunction(() => [...document.images].length === 1 && document.images[0].complete && document.images[0].naturalWidth > 0);
    });

    await page.getByRole("button", { name: /^Revoke the link created/ }).click();
    await page.getByRole("dialog", { name: "Revoke this link?" }).getByRole("button", { name: "Revoke" }).click();
    await page.locator(".share-list li[data-open=false]").waitFor();
    await openAsStranger(viewport, link, async (shared, status) => {
      assert.equal(status, 404);
      await shared.getByText(unavailable).waitFor();
    });

    await page.getByRole("link", { name: "← All albums" }).click();
    const tile = page.getByRole("link", { name: /Lake trip/ });
    await tile.getByText("1 image").waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>(".album-grid img")].some((img) => img.complete && img.naturalWidth > 0));
    await tile.click();
    await page.getByRole("button", { name: "Delete album…" }).click();
    await page.getByRole("dialog", { name: "Delete “Lake trip”?" }).getByRole("button", { name: "Delete album" }).click();
    await page.getByText("No albums yet.").waitFor();
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("with the keyboard only on a 360 px phone, a user creates, renames, covers, trims, shares and revokes an album", async () => {
  const viewport = { width: 360, height: 740 };
  const { page, baseUrl, problems, close } = await openPage(viewport);
  try {
    const user = await registerUser(baseUrl);
    await signInWithTwoImages(page, user);

    await tabTo(page, "a.nav-link[href=\"/a\"]");
    await assertFocusVisible(page);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Albums", exact: true }).waitFor();
    await tabTo(page, "input[name=name]");
    await page.keyboard.type("Walks");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "This album is empty" }).waitFor();
    await assertNoHorizontalScroll(page);
    const albumId = new URL(page.url()).pathname.split("/").at(-1) ?? "";

    await tabTo(page, ".album-actions button:not(.danger)");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.matches("input[name=name]"));
    await page.keyboard.type("Winter walks");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Winter walks" }).waitFor();

    await addAllToAlbumThroughApi(baseUrl, user, albumId);
    await page.reload();
    await page.locator(".album-title .hint").getByText("2 images", { exact: true }).waitFor();
    // The newest image is the cover until another is chosen.
    await cardOf(page, "blue-portrait.png").getByText("Cover").waitFor();
    await tabTo(page, 'button[aria-label="Make red-landscape.png the cover"]', 60);
    await assertFocusVisible(page);
    await page.keyboard.press("Enter");
    await cardOf(page, "red-landscape.png").getByText("Cover").waitFor();
    await tabTo(page, 'button[aria-label="Remove blue-portrait.png from the album"]', 60);
    await page.keyboard.press("Enter");
    await page.locator(".album-title .hint").getByText("1 image", { exact: true }).waitFor();

    await tabTo(page, ".share-form button[type=submit]", 60);
    await page.keyboard.press("Enter");
    const link = await page.locator("#new-link").inputValue();
    await assertNoHorizontalScroll(page);
    await screenshot(page, "phone-album");
    await openAsStranger(viewport, link, async (shared, status) => {
      assert.equal(status, 200);
      await shared.getByRole("heading", { name: "Winter walks" }).waitFor();
      assert.ok(!(await shared.content()).includes(user.username));
      await assertNoHorizontalScroll(shared);
    });

    await tabTo(page, ".share-list button[aria-label^=Revoke]", 60);
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Revoke this link?" }).waitFor();
    await tabTo(page, "dialog .danger", 5);
    await page.keyboard.press("Enter");
    await page.locator(".share-list li[data-open=false]").waitFor();
    await openAsStranger(viewport, link, async (shared, status) => {
      assert.equal(status, 404);
      await shared.getByText(unavailable).waitFor();
    });
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
