import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { cameraPhoto } from "../scripts/camera-photo";
import { openPage, registerUser, uploadThroughApi } from "./support/app";
import { recordImageTraffic, waitForTileImages } from "./support/image-traffic";
import { type FilePayload, heicPhoto } from "./support/images";
import { assertNoHorizontalScroll, assertNoProblems, brokenImages, waitForCards } from "./support/page-checks";
import { publishForDocs, screenshot } from "./support/screenshots";
import { openImagePage } from "./support/image-page";

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto("/login?next=%2F");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const isOriginal = (url: string) => /\/users\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.\w+\?/.test(url) && !url.includes("/renditions/");

test("a gallery of camera photos loads thumbnails, a fraction of the originals' bytes, and nothing again on a reload or in a new tab", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const user = await registerUser(baseUrl);
    const photos = await Promise.all(Array.from({ length: 6 }, (_, i) => cameraPhoto(i)));
    const files: FilePayload[] = photos.map((photo) => ({ name: photo.name, mimeType: "image/jpeg", buffer: photo.bytes }));
    const originalBytes = photos.reduce((sum, photo) => sum + photo.bytes.length, 0);
    assert.ok(photos.every((photo) => photo.bytes.length >= 3e6 && photo.bytes.length <= 6.3e6), "camera-size photos of 3–6 MB");
    await uploadThroughApi(baseUrl, user, files);

    const firstVisit = await recordImageTraffic(page);
    await signIn(page, user);
    await waitForCards(page, photos.length);
    await waitForTileImages(page, photos.length);
    const ratio = firstVisit.networkBytes() / originalBytes;
    assert.ok(ratio <= 0.03, `the gallery transferred ${firstVisit.networkBytes()} bytes, ${(ratio * 100).toFixed(2)} % of ${originalBytes}`);
    assert.deepEqual(firstVisit.responses().map((r) => r.url).filter(isOriginal), [], "no original is downloaded for a tile");
    assert.deepEqual(await brokenImages(page), []);
    const shot = await screenshot(page, "desktop-gallery-photos");
    // Six busy photos make a heavy PNG: the README's copy gets a 256-colour palette.
    const docsShot = shot.replace(/\.png$/, "-palette.png");
    await sharp(shot).png({ palette: true, quality: 90, effort: 10 }).toFile(docsShot);
    await publishForDocs(docsShot, "gallery-photos");

    const reload = await recordImageTraffic(page);
    await page.reload();
    await waitForTileImages(page, photos.length);
    assert.equal(reload.networkBytes(), 0, `a reload transferred ${JSON.stringify(reload.responses().filter((r) => r.bytes))}`);

    const tab = await page.context().newPage();
    const newTab = await recordImageTraffic(tab);
    await tab.goto("/");
    await waitForTileImages(tab, photos.length);
    assert.equal(newTab.networkBytes(), 0, `a new tab transferred ${JSON.stringify(newTab.responses().filter((r) => r.bytes))}`);
    await tab.close();

    // A portrait photo's page: the display rendition, upright, inside the window; the original a link away.
    await openImagePage(page.locator("li.card a", { hasText: photos[1].name }));
    await page.getByRole("heading", { name: photos[1].name }).waitFor();
    const shown = page.locator(".detail-media img");
    await shown.evaluate((image: HTMLImageElement) => image.decode());
    const size = await shown.evaluate((image: HTMLImageElement) => ({ src: image.currentSrc, width: image.naturalWidth, height: image.naturalHeight }));
    assert.match(size.src, /\/renditions\/.*\.display\.webp\?/);
    // Upright: 3:4. (Natural size is per srcset density, so it is the slot's, not the file's 1536 × 2048.)
    assert.equal(size.width * 4, size.height * 3, `${size.width} × ${size.height}`);
    await page.getByText("3000 × 4000 px").waitFor();
    assert.match((await page.getByRole("link", { name: "Download original" }).getAttribute("href")) ?? "", /\/users\/.*\.jpg\?/);
    await assertNoHorizontalScroll(page);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("a HEIC the local binding cannot render shows a placeholder naming its format on a 360 px phone, never a broken image", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 360, height: 740 });
  try {
    const user = await registerUser(baseUrl);
    await uploadThroughApi(baseUrl, user, [heicPhoto()]);
    await signIn(page, user);
    const tile = page.locator("li.card .no-preview[data-status='unsupported']");
    await tile.waitFor();
    assert.match((await tile.textContent()) ?? "", /^HEIC/);
    assert.equal(await page.locator("li.card img").count(), 0);
    await assertNoHorizontalScroll(page);

    await openImagePage(page.locator("li.card a"));
    await page.getByRole("heading", { name: "IMG_0001.HEIC" }).waitFor();
    const placeholder = page.locator(".detail-media .no-preview");
    assert.match((await placeholder.textContent()) ?? "", /^HEICNo preview of this image/);
    // The reason the worker gave (renditions_error), in words.
    assert.match((await placeholder.textContent()) ?? "", /The image service cannot read HEIC files\./);
    await page.getByRole("link", { name: "Download original" }).waitFor();
    assert.equal(await page.locator(".detail-media img").count(), 0);
    assert.deepEqual(await brokenImages(page), []);
    await assertNoHorizontalScroll(page);
    await screenshot(page, "phone-heic-detail").then((path) => publishForDocs(path, "heic-phone"));
    assertNoProblems(problems);
  } finally {
    await close();
  }
});
