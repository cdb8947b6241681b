import { beforeAll, describe, expect, it } from "vitest";
import { app, bearer, newSignedInUser, type SignedIn } from "../helpers";
import { storedObjects, upload } from "../image-helpers";
import {
  appendBytes, avifWithBrands, gifClaiming, jpegClaiming, makeGif, makeHeic, makeJpeg, makePng, makeWebp, truncate, zipBytes,
} from "../images";

/**
 * The attack corpus upload.test.ts does not already cover (empty file, SVG, HTML,
 * bare ZIP, truncated PNG, PNG+HTML and PNG pixel floods are there).
 */
const grey: [number, number, number] = [128, 128, 128];
const withZip = (image: Uint8Array) => appendBytes(image, zipBytes());

const corpus: [string, () => Uint8Array | Promise<Uint8Array>, number, string][] = [
  ["a PNG with a ZIP appended (polyglot)", async () => withZip(await makePng(16, 16, grey)), 400, "corrupt_file"],
  ["a JPEG with a ZIP appended (polyglot)", () => withZip(makeJpeg(16, 16, grey)), 400, "corrupt_file"],
  ["a GIF with a ZIP appended (polyglot)", () => withZip(makeGif(16, 16)), 400, "corrupt_file"],
  ["a WebP with a ZIP appended after its RIFF chunk", () => withZip(makeWebp(16, 16, "vp8l")), 400, "corrupt_file"],
  ["a GIF whose logical screen claims 65535×65535", () => gifClaiming(65_535, 65_535), 422, "image_too_large"],
  ["a GIF 12001 px wide", () => gifClaiming(12_001, 1), 422, "image_too_large"],
  ["a JPEG claiming 65000×65000 over one block of data", () => jpegClaiming(65_000, 65_000), 422, "image_too_large"],
  ["a JPEG claiming 60 megapixels within the side limit", () => jpegClaiming(10_000, 6_000), 422, "image_too_large"],
  ["a lossless WebP claiming 16384×16384", () => makeWebp(16_384, 16_384, "vp8l"), 422, "image_too_large"],
  ["an extended WebP claiming 16 million px a side", () => makeWebp(16_000_000, 16_000_000, "vp8x"), 422, "image_too_large"],
  ["an AVIF whose ispe claims 100000×100000", () => avifWithBrands("avif", ["avif", "mif1", "miaf"], 100_000, 100_000), 422, "image_too_large"],
  ["a HEIC whose primary grid claims 50000×50000", () => makeHeic(50_000, 50_000), 422, "image_too_large"],
  ["a HEIF with only the mif1 brand", () => avifWithBrands("mif1", ["mif1"]), 415, "unsupported_type"],
  ["an MP4 (isom/mp42 brands) with an image item", () => avifWithBrands("isom", ["isom", "mp42", "mp41"]), 415, "unsupported_type"],
  ["a QuickTime movie brand", () => avifWithBrands("qt  ", ["qt  "]), 415, "unsupported_type"],
  ["an ftyp box claiming 4 GiB of brands", () => { const b = avifWithBrands("mp42", ["mp42"]); b.set([0xff, 0xff, 0xff, 0xff], 0); return b; }, 415, "unsupported_type"],
  ["a JPEG cut after its frame header", () => { const j = makeJpeg(32, 32, grey); return truncate(j, Math.floor(j.length / 2)); }, 400, "truncated_file"],
  ["a JPEG missing only its EOI marker", () => { const j = makeJpeg(32, 32, grey); return truncate(j, j.length - 2); }, 400, "truncated_file"],
  ["a GIF cut in its image data", () => { const g = makeGif(32, 32); return truncate(g, g.length - 4); }, 400, "truncated_file"],
  ["a GIF without its trailer", () => { const g = makeGif(32, 32); return truncate(g, g.length - 1); }, 400, "truncated_file"],
  ["a WebP cut short of its RIFF size", () => { const w = makeWebp(32, 32, "vp8x"); return truncate(w, w.length - 8); }, 400, "truncated_file"],
  ["a WebP that is only its RIFF header", () => truncate(makeWebp(32, 32, "vp8"), 12), 400, "truncated_file"],
  ["a JPEG signature and nothing else", () => new Uint8Array([0xff, 0xd8, 0xff]), 400, "truncated_file"],
];

describe("upload attack corpus", () => {
  let session: SignedIn;
  beforeAll(async () => {
    session = await newSignedInUser();
  });

  it.each(corpus)("rejects %s (%i %s) and stores nothing", async (_name, make, status, code) => {
    const res = await upload(session.accessToken, { bytes: await make(), name: "holiday.jpg", type: "image/jpeg" });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ code, message: expect.any(String) });
    expect(await storedObjects(`users/${session.user.id}/`)).toEqual([]);
    const listed = await app("/images", { headers: bearer(session.accessToken) });
    expect((await listed.json<{ images: unknown[] }>()).images).toEqual([]);
  });
});
