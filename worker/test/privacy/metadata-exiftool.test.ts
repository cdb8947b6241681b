import { describe, expect, it } from "vitest";
import { inspectImage } from "../../images/inspect-stream";
import { ascii } from "../bytes";
import { app, bearer, newSignedInUser } from "../helpers";
import { makeHeifWithMetadata, xmpPacket } from "../heif-images";
import { decodedPixels, exifToolTags, fixture, privateTags } from "../image-check";
import type { ImageBody } from "../image-helpers";
import { exifTiff, makePng } from "../images";
import {
  makeGifWithMetadata, makeJpegWithOddExifHeader, makeJpegWithThumbnails, makeJpegWithTrailingPreview, makePngWithOddChunks,
} from "../metadata-images";

type StoredImageBody = ImageBody & { metadata_removed: string[]; metadata_status: string | null };

/** Uploads with the account's default settings and reads back the object as stored. */
async function uploadAndFetch(token: string, bytes: Uint8Array, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append("image", new File([bytes], "upload.bin"));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const res = await app("/images/upload", { method: "POST", headers: bearer(token), body: form });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  const { image } = await res.json<{ image: StoredImageBody }>();
  const stored = new Uint8Array(await (await fetch(image.file_url)).arrayBuffer());
  return { image, stored };
}

const shown = async (bytes: Uint8Array) => {
  const inspected = await inspectImage(bytes);
  if (!inspected.ok) throw new Error(inspected.message);
  return inspected.image;
};

describe("stored objects, as ExifTool reads them (issue 14)", () => {
  it.each([
    ["photo.jpg", "GPS location"],
    ["photo.png", "GPS location"],
    ["photo.webp", "GPS location"],
    ["photo.gif", "XMP"],
    ["photo.heic", "GPS location"],
    ["photo.avif", "GPS location"],
  ])("%s keeps no location, camera, owner, lens, capture time, XMP, IPTC, comment, thumbnail or preview; orientation, ICC and pixels survive", async (name, expected) => {
    const { accessToken } = await newSignedInUser();
    const original = await fixture(name);
    const before = await exifToolTags(original);
    expect(privateTags(before).length).toBeGreaterThan(0);

    const { image, stored } = await uploadAndFetch(accessToken, original);
    const after = await exifToolTags(stored);
    expect(privateTags(after)).toEqual([]);
    expect(image.metadata_status).toBe("removed");
    expect(image.metadata_removed).toContain(expected);

    expect(after["IFD0:Orientation"]).toEqual(before["IFD0:Orientation"]);
    expect((await shown(stored)).orientation).toBe((await shown(original)).orientation);
    if (before["ICC_Profile:ProfileDescription"]) expect(after["ICC_Profile:ProfileDescription"]).toBe(before["ICC_Profile:ProfileDescription"]);
    const pixels = await decodedPixels(original);
    if (pixels) expect(await decodedPixels(stored)).toEqual(pixels); // sharp has no HEVC: HEIC's coded bytes are checked in strip-heif.test.ts
  });

  it.each([
    ["a JPEG with a JFIF thumbnail and a JFXX thumbnail (a whole JPEG with its own EXIF)", () => makeJpegWithThumbnails(32, 24)],
    ['a JPEG whose EXIF starts "Exif\\0\\xff"', () => makeJpegWithOddExifHeader(32, 24, exifTiff({ orientation: 6 }))],
    ["a JPEG followed by an MPF preview image", () => makeJpegWithTrailingPreview(32, 24)],
    ["a PNG with an exIf chunk and tXMP", () => makePngWithOddChunks(16, 16, "exIf", exifTiff({ orientation: 8 }), xmpPacket("Jane Q. Public"))],
    ["a PNG with an EXIF chunk and tXMP", () => makePngWithOddChunks(16, 16, "EXIF", exifTiff({}), xmpPacket("Jane Q. Public"))],
    ["a GIF with XMP, a comment and a plain text extension", () => makeGifWithMetadata(16, 16, { comment: "742 Evergreen Terrace", xmpCreator: "Jane Q. Public" }).bytes],
    ["a HEIC with Exif, XMP and thumbnail items", () => makeHeifWithMetadata(64, 48, { exif: exifTiff({}), xmp: xmpPacket("Jane Q. Public"), thumbnail: true, irot: 1 }).bytes],
    ["an AVIF with Exif and XMP items", () => makeHeifWithMetadata(64, 48, { format: "avif", exif: exifTiff({}), xmp: xmpPacket("Jane Q. Public") }).bytes],
  ])("stores %s with nothing ExifTool calls private", async (_name, make) => {
    const { accessToken } = await newSignedInUser();
    const original = await make();
    expect(privateTags(await exifToolTags(original)).length).toBeGreaterThan(0);
    const { image, stored } = await uploadAndFetch(accessToken, original);
    expect(privateTags(await exifToolTags(stored))).toEqual([]);
    expect(image.metadata_status).toBe("removed");
    expect((await shown(stored)).orientation).toBe((await shown(original)).orientation);
  });
});

describe("metadata_status", () => {
  it("is none_found when there was nothing to remove, and the file is stored as sent", async () => {
    const { accessToken } = await newSignedInUser();
    const png = await makePng(8, 8, [1, 2, 3]);
    const { image, stored } = await uploadAndFetch(accessToken, png);
    expect(image).toMatchObject({ metadata_status: "none_found", metadata_removed: [] });
    expect(stored).toEqual(png);
  });

  it("is kept when the owner keeps metadata, and the file is stored as sent", async () => {
    const { accessToken } = await newSignedInUser();
    const original = await fixture("photo.heic");
    const { image, stored } = await uploadAndFetch(accessToken, original, { keep_metadata: "true" });
    expect(image).toMatchObject({ metadata_status: "kept", metadata_removed: [] });
    expect(stored).toEqual(original);
  });

  it("refuses with 422 metadata_unreadable a HEIC whose item table cannot be followed, unless metadata is kept", async () => {
    const { accessToken } = await newSignedInUser();
    const heic = makeHeifWithMetadata(32, 32, { exif: exifTiff({}) }).bytes;
    const infe = new TextDecoder("latin1").decode(heic).indexOf("infe");
    heic.set(ascii("xnfe"), infe);
    const form = new FormData();
    form.append("image", new File([heic], "odd.heic"));
    const res = await app("/images/upload", { method: "POST", headers: bearer(accessToken), body: form });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: "metadata_unreadable" });
    expect((await uploadAndFetch(accessToken, heic, { keep_metadata: "true" })).image.metadata_status).toBe("kept");
  });
});
