import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { openPage, registerUser, signInThroughApi, uploadThroughApi } from "./support/app";
import { bluePortrait, redLandscape } from "./support/images";
import { exifToolTags, gpsTags } from "./support/exif-tags";
import { grainPng, largeCameraJpeg } from "./support/large-photo";
import { assertNoHorizontalScroll, assertNoProblems, brokenImages, waitForCards } from "./support/page-checks";
import { eventually, holdPartPuts, keepSentHeads, recordPartPuts } from "./support/part-puts";
import { signInThroughForm } from "./support/sign-in";

interface ListedImage {
  id: string;
  file_name: string;
  file_url: string;
}

/** The user's images as the API lists them, through a session of its own. */
async function listedImages(baseUrl: string, token: string): Promise<ListedImage[]> {
  const res = await fetch(`${baseUrl}/images?limit=100`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { images: ListedImage[] }).images;
}

const panel = (page: Page) => page.locator(".upload-panel");
const panelIn = (page: Page, state: string) => page.locator(`.upload-panel[data-state="${state}"]`).waitFor();
const headline = async (page: Page) => (await panel(page).locator("[role=status]").textContent()) ?? "";


test("a batch with a 17 MB camera JPEG goes straight to the bucket in parts, stripped of its location in the browser, and every photo shows its thumbnail", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const camera = await largeCameraJpeg("IMG_2041.JPG");
    assert.ok(camera.buffer.length > 16 * 1024 * 1024, `the camera photo is ${camera.buffer.length} bytes`);
    assert.ok(gpsTags(await exifToolTags(camera.buffer)).length > 0, "the camera photo carries GPS tags");
    const user = await registerUser(baseUrl);
    const sentHeads = await keepSentHeads(page);
    await signInThroughForm(page, user);
    const puts = recordPartPuts(page.context());
    const proxied: string[] = [];
    page.on("request", (request) => request.url().includes("/images/upload") && proxied.push(request.url()));

    await page.locator("#upload-input").setInputFiles([camera, redLandscape(), bluePortrait()]);
    await panelIn(page, "uploading");
    await page.waitForFunction(() => document.querySelector('.upload-panel[data-state="done"] [role=status]')?.textContent === "3 uploaded");
    await waitForCards(page, 3, "done");
    assert.deepEqual(proxied, [], "the SPA still posts through the worker");
    // 16.3 MiB in 5 MiB parts: 4, and one each for the small ones.
    assert.equal(puts.acknowledged.size, 6);
    assert.deepEqual(puts.sentAgain, []);
    // The first bytes of each file as they left the browser: the camera photo's hold its whole EXIF block.
    const heads = await sentHeads();
    assert.equal(heads.length, 3);
    const cameraHead = heads.find((head) => head[0] === 0xff && head[1] === 0xd8);
    assert.ok(cameraHead, "no JPEG was sent");
    const sentTags = await exifToolTags(cameraHead);
    assert.deepEqual(gpsTags(sentTags), [], "the browser sent location data");
    assert.equal(sentTags["IFD0:Make"], undefined, "the browser sent camera data");
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>("li.card img")].every((img) => img.complete && img.naturalWidth > 0) && document.querySelectorAll("li.card img").length === 3);
    assert.deepEqual(await brokenImages(page), []);

    // What the app's download hands out is the stored original: no location, whatever was sent.
    const stored = (await listedImages(baseUrl, await signInThroughApi(baseUrl, user))).find((image) => image.file_name === "IMG_2041.JPG");
    assert.ok(stored, "the camera photo is not listed");
    const original = await fetch(stored.file_url);
    assert.equal(original.status, 200);
    const tags = await exifToolTags(new Uint8Array(await original.arrayBuffer()));
    assert.deepEqual(gpsTags(tags), []);
    assert.equal(tags["IFD0:Make"], undefined);
    await panel(page).getByRole("button", { name: "Close" }).click();
    await panel(page).waitFor({ state: "detached" });
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("with Keep location & camera data ticked, a photo goes up as it is and its original keeps them", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const photo = {
      name: "kept.jpg",
      mimeType: "image/jpeg",
      buffer: await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 30, g: 120, b: 90 } } })
        .jpeg()
        .withExif({ IFD0: { Make: "Nikon" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 2964/100" } })
        .toBuffer(),
    };
    const user = await registerUser(baseUrl);
    await signInThroughForm(page, user);
    await page.getByRole("checkbox", { name: "Keep location & camera data" }).check();
    await page.locator("#upload-input").setInputFiles(photo);
    await page.waitForFunction(() => document.querySelector('.upload-panel[data-state="done"] [role=status]')?.textContent === "1 uploaded");
    const [stored] = await listedImages(baseUrl, await signInThroughApi(baseUrl, user));
    const tags = await exifToolTags(new Uint8Array(await (await fetch(stored.file_url)).arrayBuffer()));
    assert.ok(gpsTags(tags).length > 0, "the location was removed although kept");
    assert.equal(tags["IFD0:Make"], "Nikon");
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

/**
 * The most part PUTs of one upload that a page of the context had under way at once (its XHRs,
 * counted in the page from send to the response's end): what a closed page can lose of each file.
 */
async function countPartsInFlightPerFile(context: BrowserContext) {
  await context.addInitScript(() => {
    const counter = window as unknown as { mostPartsOfOneFile: number };
    counter.mostPartsOfOneFile = 0;
    const inFlight = new Map<string, number>();
    const urls = new WeakMap<XMLHttpRequest, string>();
    const open = XMLHttpRequest.prototype.open;
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
      urls.set(this, String(url));
      return (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
    };
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      const upload = new URL(urls.get(this) ?? "", location.href).searchParams.get("uploadId");
      if (upload) {
        inFlight.set(upload, (inFlight.get(upload) ?? 0) + 1);
        counter.mostPartsOfOneFile = Math.max(counter.mostPartsOfOneFile, inFlight.get(upload) ?? 0);
        // readystatechange to DONE comes before load, whose handler may start the next part at once.
        this.addEventListener("readystatechange", () => this.readyState === XMLHttpRequest.DONE && inFlight.set(upload, (inFlight.get(upload) ?? 1) - 1));
      }
      return send.call(this, body);
    };
  });
  return (page: Page) => page.evaluate(() => (window as unknown as { mostPartsOfOneFile: number }).mostPartsOfOneFile);
}

test("a page closed halfway through a batch carries on when opened again: every file arrives once, no part the bucket had is sent again, and at most one part of each file goes twice", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const files = [await grainPng("big-1.png", 2100, 1900), await grainPng("big-2.png", 2100, 1900), redLandscape(), bluePortrait(), await grainPng("medium.png", 900, 800)];
    const user = await registerUser(baseUrl);
    const context = page.context();
    // Before the first navigation, so the page counts from its start.
    const mostPartsOfOneFile = await countPartsInFlightPerFile(context);
    await signInThroughForm(page, user);
    const puts = recordPartPuts(context);
    // 3 + 3 + 1 + 1 + 1 parts; the first 4 go through, the rest wait in the browser until the page is gone.
    const gate = await holdPartPuts(context, 4);
    await page.locator("#upload-input").setInputFiles(files);
    await eventually(
      () => puts.acknowledged.size >= 4 && gate.held.length > 0,
      () => `${puts.acknowledged.size} parts acknowledged, ${gate.held.length} held`,
    );
    // What the close cuts off: never two parts of one file.
    const cut = gate.held.map((route) => new URL(route.request().url()).searchParams.get("uploadId"));
    assert.equal(new Set(cut).size, cut.length, `parts of one file were under way together: ${cut.join(", ")}`);
    assert.equal(await mostPartsOfOneFile(page), 1, "a file had more than one part under way");
    await page.close();
    await gate.release();

    const acknowledgedBeforeClose = new Set(puts.acknowledged.keys());
    const reopened = await context.newPage();
    const listed: string[] = [];
    reopened.on("request", (request) => request.method() === "GET" && /\/uploads\/s3\/multipart\/[^/]+\?key=/.test(request.url()) && listed.push(request.url()));
    reopened.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    reopened.on("console", (message) => /Content Security Policy/i.test(message.text()) && problems.push(`CSP: ${message.text()}`));
    await reopened.goto("/");
    // What was still on its way carries on; the panel shows those files.
    await reopened.waitForFunction(() => /^\d+ uploaded$/.test(document.querySelector('.upload-panel[data-state="done"] [role=status]')?.textContent ?? ""));
    await waitForCards(reopened, 5);

    const names = (await listedImages(baseUrl, await signInThroughApi(baseUrl, user))).map((image) => image.file_name).sort();
    assert.deepEqual(names, files.map((file) => file.name).sort());
    // The reopened page asked the bucket what it had, and sent only the rest.
    assert.ok(listed.length > 0, "the reopened page did not list the parts that arrived");
    assert.ok(puts.acknowledged.size > acknowledgedBeforeClose.size, "nothing was left to send after the close");
    // None went again once the bucket had it (a PUT cut off by the close goes again, from its start).
    assert.deepEqual(puts.sentAgain, [], "parts the bucket had acknowledged were sent again");
    assert.ok([...puts.acknowledged.values()].every((count) => count === 1));
    const twice = puts.requested.filter((part, i) => puts.requested.indexOf(part) !== i).map((part) => part.split("#")[0]);
    assert.equal(new Set(twice).size, twice.length, `a file sent more than one part again: ${twice.join(", ")}`);
    assert.equal(await mostPartsOfOneFile(reopened), 1, "a file had more than one part under way after the reopening");
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("a paused batch stays paused through a reload, and goes on when resumed", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const files = [await grainPng("paused-1.png", 2100, 1900), redLandscape(), bluePortrait()];
    const user = await registerUser(baseUrl);
    await signInThroughForm(page, user);
    const context = page.context();
    const puts = recordPartPuts(context);
    const gate = await holdPartPuts(context);
    await page.locator("#upload-input").setInputFiles(files);
    await eventually(() => gate.held.length >= 2, () => `${gate.held.length} PUTs held`);
    await panel(page).getByRole("button", { name: "Pause" }).click();
    await panelIn(page, "paused");
    await gate.dropHeld();
    await gate.release();
    // The batch is kept in IndexedDB in the background: all three files are there before the reload.
    await page.waitForFunction(
      () =>
        new Promise<boolean>((resolve) => {
          const open = indexedDB.open("uploads");
          open.onupgradeneeded = () => open.transaction?.abort();
          open.onerror = () => resolve(false);
          open.onsuccess = () => {
            const count = open.result.transaction("files").objectStore("files").count();
            count.onsuccess = () => resolve(count.result === 3);
            open.result.close();
          };
        }),
    );

    await page.reload();
    await panelIn(page, "paused");
    assert.match(await headline(page), /^Paused · 0 of 3/);
    await page.getByRole("button", { name: "Show files" }).click();
    await page.waitForFunction(() => document.querySelectorAll(".upload-status").length === 3);
    assert.deepEqual(await page.locator(".upload-status").allTextContents(), ["Waiting", "Waiting", "Waiting"]);
    const requestedWhilePaused = puts.requested.length;

    await panel(page).getByRole("button", { name: "Resume" }).click();
    await page.waitForFunction(() => document.querySelector('.upload-panel[data-state="done"] [role=status]')?.textContent === "3 uploaded");
    assert.ok(puts.requested.length > requestedWhilePaused, "nothing was sent after Resume");
    const names = (await listedImages(baseUrl, await signInThroughApi(baseUrl, user))).map((image) => image.file_name).sort();
    assert.deepEqual(names, files.map((file) => file.name).sort());
    assert.deepEqual(puts.sentAgain, []);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

test("going offline pauses the batch and coming back resumes it; Pause stops every transfer until Resume", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  try {
    const files = [await grainPng("wide.png", 2100, 1900), redLandscape(), bluePortrait()];
    const user = await registerUser(baseUrl);
    await signInThroughForm(page, user);
    const context = page.context();
    const puts = recordPartPuts(context);
    const failed: string[] = [];
    context.on("requestfailed", (request) => request.method() === "PUT" && failed.push(request.url()));
    // Every part waits in the browser, so the batch is surely under way when the network goes.
    const gate = await holdPartPuts(context);
    await page.locator("#upload-input").setInputFiles(files);
    await eventually(() => gate.held.length >= 2, () => `${gate.held.length} PUTs held`);

    await context.setOffline(true);
    await panelIn(page, "offline");
    assert.match(await headline(page), /^Offline, waiting for the network · 0 of 3/);
    assert.equal(await panel(page).getByRole("button", { name: "Pause" }).count(), 0);
    // The transfers under way were stopped, not left to time out.
    await eventually(() => failed.length >= 2, () => `${failed.length} PUTs failed`);
    await gate.dropHeld();

    const heldBefore = puts.requested.length;
    await context.setOffline(false);
    await panelIn(page, "uploading");
    await eventually(() => puts.requested.length > heldBefore && gate.held.length > 0, () => `${puts.requested.length - heldBefore} PUTs since online`);

    await panel(page).getByRole("button", { name: "Pause" }).click();
    await panelIn(page, "paused");
    assert.match(await headline(page), /^Paused · 0 of 3/);
    await eventually(() => gate.held.every((route) => failed.includes(route.request().url())), () => `${failed.length} PUTs failed`);
    const requestedWhilePaused = puts.requested.length;
    await gate.release();
    await page.getByRole("button", { name: "Show files" }).click();
    await page.waitForFunction(() => [...document.querySelectorAll(".upload-status")].every((status) => status.textContent?.startsWith("Waiting")));
    assert.equal(puts.requested.length, requestedWhilePaused, "a part was sent while paused");

    await panel(page).getByRole("button", { name: "Resume" }).click();
    await page.waitForFunction(() => document.querySelector('.upload-panel[data-state="done"] [role=status]')?.textContent === "3 uploaded");
    await waitForCards(page, 3);
    const names = (await listedImages(baseUrl, await signInThroughApi(baseUrl, user))).map((image) => image.file_name).sort();
    assert.deepEqual(names, files.map((file) => file.name).sort());
    assert.deepEqual(puts.sentAgain, []);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

/** Where the first tile starts, from the top of the document: what a panel pushing the page down would move. */
const firstTileTop = (page: Page) => page.locator("li.card").first().evaluate((tile) => tile.getBoundingClientRect().top + window.scrollY);

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 360, height: 740 },
]) {
  test(`at ${viewport.width} px the upload panel floats over the page: the gallery does not move, and the panel fits the screen`, async () => {
    const { page, baseUrl, problems, close } = await openPage(viewport);
    try {
      const user = await registerUser(baseUrl);
      await uploadThroughApi(baseUrl, user, [redLandscape()]);
      await signInThroughForm(page, user);
      await waitForCards(page, 1);
      const before = await firstTileTop(page);

      const gate = await holdPartPuts(page.context());
      await page.locator("#upload-input").setInputFiles([bluePortrait(), await grainPng("grain.png", 300, 200)]);
      await panelIn(page, "uploading");
      await eventually(() => gate.held.length === 2, () => `${gate.held.length} PUTs held`);
      assert.equal(await firstTileTop(page), before);
      await page.getByRole("button", { name: "Show files" }).click();
      await page.locator(".upload-panel li.upload").nth(1).waitFor();
      assert.equal(await firstTileTop(page), before);

      const box = await panel(page).boundingBox();
      assert.ok(box, "the panel is not shown");
      assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `the panel spans ${box.x}–${box.x + box.width} px of ${viewport.width}`);
      assert.ok(box.y >= 0 && box.y + box.height <= viewport.height, `the panel spans ${box.y}–${box.y + box.height} px of ${viewport.height}`);
      await assertNoHorizontalScroll(page);
      for (const button of ["Hide files", "Pause", "Cancel all"]) {
        const control = await panel(page).getByRole("button", { name: button }).boundingBox();
        assert.ok(control && control.x >= 0 && control.x + control.width <= viewport.width, `${button} is off screen`);
      }

      await gate.release();
      await page.waitForFunction(() => document.querySelector('.upload-panel[data-state="done"] [role=status]')?.textContent === "2 uploaded");
      await waitForCards(page, 3);
      assertNoProblems(problems);
    } finally {
      await close();
    }
  });
}

test("a 60 MB PNG goes up through the app in parts, stripped in the browser, and shows its thumbnail", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 1280, height: 800 });
  const dir = await mkdtemp(join(tmpdir(), "eis-60mb-"));
  try {
    const big = await grainPng("panorama.png", 4600, 4400);
    assert.ok(big.buffer.length > 60 * 1000 * 1000, `the PNG is ${big.buffer.length} bytes`);
    // Playwright takes a file over 50 MB only from disk.
    const path = join(dir, big.name);
    await writeFile(path, big.buffer);
    const user = await registerUser(baseUrl);
    await signInThroughForm(page, user);
    const puts = recordPartPuts(page.context());
    await page.locator("#upload-input").setInputFiles(path);
    await page.waitForFunction(() => document.querySelector('.upload-panel[data-state="done"] [role=status]')?.textContent === "1 uploaded", undefined, { timeout: 180_000 });
    await waitForCards(page, 1, "done");
    assert.deepEqual(puts.sentAgain, []);
    const [stored] = await listedImages(baseUrl, await signInThroughApi(baseUrl, user));
    assert.equal(stored?.file_name, "panorama.png");
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>("li.card img")].every((img) => img.complete && img.naturalWidth > 0));
    assert.deepEqual(await brokenImages(page), []);
    assertNoProblems(problems);
  } finally {
    await close();
    await rm(dir, { recursive: true, force: true });
  }
});
