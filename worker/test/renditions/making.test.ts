import { describe, expect, it } from "vitest";
import { newSignedInUser } from "../helpers";
import { analysisReaches, s3Requests, storedObjects, uploadOk } from "../image-helpers";
import { exifTiff, makeGif, makePngWithMetadata } from "../images";
import {
  closeTo, download, encodeAs, heicPhoto, type Pixels, pixelsOf, quadrantColours, quadrantPng, quadrantsOf, type Rgb, renditionsReach, shownQuadrants,
  webpChunks, withJpegOrientation,
} from "../rendition-helpers";

/** TL, TR, BL, BR as expected (lossy encodes move colours a little; a wrong quadrant is off by far more). */
function expectQuadrants(pixels: Pixels, expected: Rgb[]) {
  const shown = quadrantsOf(pixels);
  expect(shown.every((colour, i) => closeTo(colour, expected[i])), `quadrants ${JSON.stringify(shown)}, expected ${JSON.stringify(expected)}`).toBe(true);
}

/** Longest side `max` at most, never larger than the source, proportions kept (±1 px of rounding). */
function expectWithin(actual: { width: number; height: number }, source: { width: number; height: number }, max: number) {
  const scale = Math.min(1, max / Math.max(source.width, source.height));
  expect(Math.abs(actual.width - source.width * scale), `width ${actual.width} for ${source.width} scaled ${scale}`).toBeLessThanOrEqual(1);
  expect(Math.abs(actual.height - source.height * scale), `height ${actual.height} for ${source.height} scaled ${scale}`).toBeLessThanOrEqual(1);
}

// AVIF is not among them: production's binding reads none, so its original stands in (input-limits.test.ts).
const quadrantSource = (width: number, height: number, format?: "image/jpeg" | "image/webp") => async () => {
  const png = await quadrantPng(width, height);
  return format ? encodeAs(png, format) : png;
};

describe("renditions through the Images binding", () => {
  it.each([
    ["PNG", quadrantSource(2600, 1300), 2600, 1300, true],
    ["JPEG", quadrantSource(2600, 1300, "image/jpeg"), 2600, 1300, true],
    ["WebP", quadrantSource(1200, 800, "image/webp"), 1200, 800, true],
    ["GIF", async () => makeGif(600, 400), 600, 400, false],
  ])("makes a %s's thumb and display: WebP, within bounds, never upscaled, upright, without metadata", async (_format, make, width, height, quadrants) => {
    const { accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await make() });
    expect(uploaded).toMatchObject({ width, height, renditions_status: "pending", thumb_url: null, display_url: null });

    const image = await renditionsReach(accessToken, uploaded.id, ["done"]);
    for (const [url, max] of [[image.display_url, 2048], [image.thumb_url, 720]] as const) {
      const { bytes, headers } = await download(url);
      expect(headers.get("content-type")).toBe("image/webp");
      expect(webpChunks(bytes).filter((chunk) => !["VP8 ", "VP8L", "VP8X", "ALPH"].includes(chunk)), "metadata chunks").toEqual([]);
      const pixels = await pixelsOf(bytes);
      expectWithin(pixels, { width, height }, max);
      // The grid's srcset describes each rendition by the width the view reports.
      expect(pixels.width).toBe(url === image.thumb_url ? image.thumb_width : image.display_width);
      if (quadrants) expectQuadrants(pixels, quadrantColours);
    }
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])("applies EXIF orientation %i: both renditions upright, the image's size as displayed", async (orientation) => {
    const { accessToken } = await newSignedInUser();
    const jpeg = withJpegOrientation(await encodeAs(await quadrantPng(640, 480), "image/jpeg"), orientation);
    const turned = orientation >= 5;
    const shown = turned ? { width: 480, height: 640 } : { width: 640, height: 480 };
    const uploaded = await uploadOk(accessToken, { bytes: jpeg });
    expect(uploaded).toMatchObject(shown);

    const image = await renditionsReach(accessToken, uploaded.id, ["done"]);
    for (const [url, max] of [[image.display_url, 2048], [image.thumb_url, 720]] as const) {
      const pixels = await pixelsOf((await download(url)).bytes);
      expectWithin(pixels, shown, max);
      expectQuadrants(pixels, shownQuadrants[orientation].map((stored) => quadrantColours[stored]));
    }
  });

  it("honours a PNG's eXIf orientation too", async () => {
    const { accessToken } = await newSignedInUser();
    const png = await makePngWithMetadata(600, 450, { exif: exifTiff({ orientation: 6 }) });
    const uploaded = await uploadOk(accessToken, { bytes: png });
    expect(uploaded).toMatchObject({ width: 450, height: 600 });
    const image = await renditionsReach(accessToken, uploaded.id, ["done"]);
    expectWithin(await pixelsOf((await download(image.thumb_url)).bytes), { width: 450, height: 600 }, 720);
  });

  it("makes them from the stored original, read once by the job, and stores them immutable next to it", async () => {
    const { user, accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await quadrantPng(320, 240) });
    const image = await renditionsReach(accessToken, uploaded.id, ["done"]);
    await analysisReaches(accessToken, uploaded.id, ["done"]);
    // The upload's PUT, the renditions job's read, and the analysis job's (an image this small goes to Gemini as it is).
    expect((await s3Requests(`users/${user.id}/`)).map((r) => r.method)).toEqual(["PUT", "GET", "GET"]);

    const objects = await storedObjects(`renditions/users/${user.id}/`);
    const original = new URL(image.file_url).pathname.split("/").slice(-3).join("/");
    expect(objects.map((o) => o.key).sort()).toEqual([`renditions/${original}.display.webp`, `renditions/${original}.thumb.webp`]);
    const cacheControl = (await download(image.thumb_url)).headers.get("cache-control") ?? "";
    expect(cacheControl).toMatch(/\bimmutable\b/);
    expect(Number(/max-age=(\d+)/.exec(cacheControl)?.[1])).toBeGreaterThanOrEqual(86_400);
  });

  it("marks a HEIC unsupported here, for good: no renditions, no retry, the original kept", async () => {
    const { user, accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: heicPhoto(), name: "IMG_0001.HEIC" });
    expect(uploaded).toMatchObject({ content_type: "image/heic", width: 64, height: 48 });
    const image = await renditionsReach(accessToken, uploaded.id, ["unsupported", "done"]);
    // Cloudflare Images reads HEIC; prebuilt sharp, behind the local binding, does not.
    expect(image).toMatchObject({ renditions_status: "unsupported", thumb_url: null, display_url: null });
    expect(await storedObjects(`renditions/users/${user.id}/`)).toEqual([]);
    expect((await download(image.file_url)).bytes).toEqual(heicPhoto());
  });
});
