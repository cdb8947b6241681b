import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { cameraPhoto } from "../scripts/camera-photo";
import { openPage, registerUser, signInThroughApi, uploadThroughApi } from "./support/app";
import { asUserWithFiles } from "./support/as-user";
import { gradientPng, takenAt } from "./support/images";
import { recordImageTraffic, waitForTileImages } from "./support/image-traffic";
import { assertNoHorizontalScroll, assertNoProblems, waitForCards } from "./support/page-checks";
import { screenshot } from "./support/screenshots";
import { signInThroughForm } from "./support/sign-in";

interface Tile {
  name: string;
  /** Which list (a day's, or the grid) it is in. */
  list: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Each tile's picture box, by file name, in page order. */
const tiles = (page: Page): Promise<Tile[]> =>
  page.evaluate(() => {
    const lists = [...document.querySelectorAll("ul.justified")];
    return [...document.querySelectorAll("li.card")].map((card) => {
      const box = card.querySelector(".thumb")!.getBoundingClientRect();
      const list = lists.indexOf(card.closest("ul.justified")!);
      return { name: card.querySelector(".card-name")?.textContent ?? "", list, x: box.x, y: box.y, width: box.width, height: box.height };
    });
  });

/** Tiles grouped into rows (one list, same top), each row's tiles one height, every row but a list's last as wide as the list. */
async function assertJustifiedRows(page: Page) {
  const shown = await tiles(page);
  const width = await page.locator("ul.justified").first().evaluate((list) => list.clientWidth);
  const rows = new Map<string, Tile[]>();
  for (const tile of shown) {
    const key = `${tile.list}:${Math.round(tile.y)}`;
    rows.set(key, [...(rows.get(key) ?? []), tile]);
  }
  const ordered = [...rows.values()];
  for (const [i, row] of ordered.entries()) {
    const heights = row.map((tile) => tile.height);
    assert.ok(Math.max(...heights) - Math.min(...heights) <= 1, `row ${i}: heights ${heights}`);
    const last = row.at(-1)!;
    const used = last.x + last.width - row[0].x;
    const lastOfList = ordered[i + 1]?.[0].list !== row[0].list;
    if (!lastOfList) assert.ok(Math.abs(used - width) <= 2, `row ${i} is ${used} of ${width} px`);
  }
}

test("on a 360×780 phone at 3× the grid keeps each photo's shape in justified rows and loads thumbs only, never a display copy", async () => {
  const { page, baseUrl, problems, close } = await openPage({ width: 360, height: 780, deviceScaleFactor: 3 });
  try {
    const user = await registerUser(baseUrl);
    // Every other one is a portrait (EXIF orientation 6), as a phone takes them.
    const photos = await Promise.all(Array.from({ length: 6 }, (_, i) => cameraPhoto(i)));
    await uploadThroughApi(
      baseUrl,
      user,
      photos.map((photo) => ({ name: photo.name, mimeType: "image/jpeg", buffer: photo.bytes })),
    );
    const traffic = await recordImageTraffic(page);
    await signInThroughForm(page, user);
    await waitForCards(page, photos.length);
    await waitForTileImages(page, photos.length);
    const urls = traffic.responses().map((response) => response.url);
    assert.deepEqual(urls.filter((url) => url.includes(".display.webp")), [], "no display copy for a tile");
    assert.equal(urls.filter((url) => url.includes(".thumb.webp")).length, photos.length);

    // Before, `sizes="(max-width: 30rem) 50vw"` sent this phone to each display copy: their bytes, for the record.
    const token = await signInThroughApi(baseUrl, user);
    const listing = (await (await fetch(`${baseUrl}/images?limit=50`, { headers: { authorization: `Bearer ${token}` } })).json()) as { images: { display_url: string }[] };
    const displayBytes = (await Promise.all(listing.images.map(async (image) => (await (await fetch(image.display_url)).arrayBuffer()).byteLength))).reduce((a, b) => a + b, 0);
    console.log(`phone grid, ${photos.length} tiles: ${traffic.networkBytes()} bytes of thumbs now; the display copies it loaded before: ${displayBytes} bytes`);

    const portraits = new Set(photos.filter((_, i) => i % 2 === 1).map((photo) => photo.name));
    for (const tile of await tiles(page)) {
      if (portraits.has(tile.name)) assert.ok(tile.height > tile.width, `${tile.name} (portrait) is ${tile.width}×${tile.height}`);
      else assert.ok(tile.width > tile.height, `${tile.name} (landscape) is ${tile.width}×${tile.height}`);
    }
    await assertJustifiedRows(page);
    await screenshot(page, "phone-justified-grid");

    // Two fingers spread over the grid make its rows taller (and the page does not zoom).
    const before = (await tiles(page))[0].height;
    const list = await page.locator("ul.justified").first().boundingBox();
    assert.ok(list);
    const [x, y] = [list.x + list.width / 2, list.y + 40];
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 2 });
    const fingers = (spread: number) => [
      { id: 0, x: x - spread, y },
      { id: 1, x: x + spread, y },
    ];
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: fingers(30) });
    for (const spread of [40, 50, 60]) await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: fingers(spread) });
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    assert.equal(await page.getByRole("slider", { name: "Photo size" }).inputValue(), "2");
    assert.ok((await tiles(page))[0].height > before * 1.5, `pinched: ${before} → ${(await tiles(page))[0].height}`);
    assert.equal(await page.evaluate(() => visualViewport?.scale), 1);
    await assertNoHorizontalScroll(page);
    assertNoProblems(problems);
  } finally {
    await close();
  }
});

const shapes = () => [
  takenAt(gradientPng("tall.png", [30, 90, 40], [90, 180, 110], 600, 800), "2024-05-06T09:00:00"),
  takenAt(gradientPng("wide.png", [200, 20, 30], [250, 70, 60], 900, 600), "2024-05-06T10:00:00"),
  takenAt(gradientPng("square.png", [20, 50, 200], [70, 110, 250], 500, 500), "2024-05-06T11:00:00"),
  takenAt(gradientPng("panorama.png", [120, 120, 20], [200, 200, 60], 1200, 400), "2024-05-06T12:00:00"),
  takenAt(gradientPng("other-day.png", [120, 20, 120], [200, 60, 200], 600, 800), "2024-04-01T12:00:00"),
];
const tile = async (page: Page, name: string) => (await tiles(page)).find((shown) => shown.name === name)!;

test("at 1280×800 tiles keep their shapes before their thumbs arrive, days split rows, and the photo size control resizes rows and is remembered", () =>
  asUserWithFiles({ width: 1280, height: 800 }, shapes(), async ({ page }) => {
    await waitForTileImages(page, 5);
    const loaded = await tiles(page);
    const tall = loaded.find((shown) => shown.name === "tall.png")!;
    assert.ok(tall.height > tall.width * 1.3, `portrait tile ${tall.width}×${tall.height}`);
    assert.ok(Math.abs((await tile(page, "panorama.png")).width / (await tile(page, "panorama.png")).height - 3) < 0.05);
    // Each day is its own rows: the April photo starts a row under its heading.
    assert.equal(await page.locator(".day").count(), 2);
    assert.ok((await tile(page, "other-day.png")).y > tall.y + tall.height);
    await assertJustifiedRows(page);

    // With no thumb bytes at all, every box already has its final place and size.
    await page.route("**/*.thumb.webp*", (route) => route.abort());
    await page.reload();
    await waitForCards(page, 5);
    assert.equal(await page.locator("li.card img").evaluateAll((images) => images.filter((image) => (image as HTMLImageElement).naturalWidth > 0).length), 0);
    assert.deepEqual(await tiles(page), loaded);
    await page.unroute("**/*.thumb.webp*");

    // A trackpad pinch (a wheel with ctrlKey) over the grid resizes the rows.
    const slider = page.getByRole("slider", { name: "Photo size" });
    await page.locator("ul.justified").first().hover();
    await page.keyboard.down("Control");
    await page.mouse.wheel(0, -20);
    await page.keyboard.up("Control");
    await page.waitForFunction(() => Number((document.querySelector(".row-size input") as HTMLInputElement).value) > 1);
    await slider.fill("1.5");
    const bigger = await tile(page, "tall.png");
    // Rows stretch to fill the width, so the factor is about 1.5, not exactly.
    assert.ok(bigger.height > tall.height * 1.3, `row height ${tall.height} → ${bigger.height}`);
    await page.reload();
    await waitForTileImages(page, 5);
    assert.equal(await slider.inputValue(), "1.5");
    assert.ok(Math.abs((await tile(page, "tall.png")).height - bigger.height) <= 1);
    await slider.fill("1");
  }));
