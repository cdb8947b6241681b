import { describe, expect, it } from "vitest";
import { newSignedInUser } from "../helpers";
import { fixture, exifToolTags, privateTags } from "../image-check";
import { getImage } from "../image-helpers";
import { completeUpload, createUpload, sendPart, uploadDirect, uploadSettles } from "../direct-upload-helpers";
import { inParts, noisePngPieces, paddedJpeg } from "../large-images";
import { download, renditionsReach } from "../rendition-helpers";

const mib = 1024 * 1024;

describe("direct uploads the size of real photos", () => {
  it("takes a 17 MB JPEG with GPS: its stored original has no GPS, and it gets its thumbnail", async () => {
    const { accessToken } = await newSignedInUser();
    const jpeg = paddedJpeg(await fixture("photo.jpg"), 17 * mib);
    expect(privateTags(await exifToolTags(jpeg))).toContain("GPS:GPSLatitude");
    const { completed } = await uploadDirect({ token: accessToken }, { bytes: jpeg, name: "camera.jpg", type: "image/jpeg" });
    const done = await uploadSettles(accessToken, completed.location);
    expect(done).toMatchObject({ status: "done" });
    const image = await renditionsReach(accessToken, done.image_id ?? "", ["done"], { timeoutMs: 60_000 });
    expect(image.thumb_url).not.toBeNull();
    const stored = (await download(image.file_url)).bytes;
    expect(stored.length).toBeLessThan(jpeg.length);
    expect(privateTags(await exifToolTags(stored))).toEqual([]);
  });

  it.each(["photo.heic", "photo.webp", "photo.png", "photo.gif"])("strips %s sent directly as an upload through the worker would, and keeps it whole when asked", async (name) => {
    const { accessToken } = await newSignedInUser();
    const original = await fixture(name);
    const type = `image/${name.split(".")[1]}`;
    const stripped = await uploadSettles(accessToken, (await uploadDirect({ token: accessToken }, { bytes: original, name, type })).completed.location);
    expect(stripped).toMatchObject({ status: "done" });
    const image = await getImage(accessToken, stripped.image_id ?? "");
    expect(image.metadata_status).toBe("removed");
    expect(privateTags(await exifToolTags((await download(image.file_url)).bytes))).toEqual([]);

    const other = await newSignedInUser();
    const kept = await uploadSettles(
      other.accessToken,
      (await uploadDirect({ token: other.accessToken }, { bytes: original, name, type }, undefined, { keep_metadata: true })).completed.location,
    );
    const keptImage = await getImage(other.accessToken, kept.image_id ?? "");
    expect(keptImage.metadata_status).toBe("kept");
    expect((await download(keptImage.file_url)).bytes).toEqual(original);
  });

  it("takes a 60 MB PNG sent in twelve 5 MiB parts, and it becomes an image with its thumbnail", async () => {
    const { accessToken } = await newSignedInUser();
    const via = { token: accessToken };
    const upload = await createUpload(via, { filename: "big.png", type: "image/png" });
    const parts: { PartNumber: number; ETag: string }[] = [];
    let size = 0;
    for await (const part of inParts(noisePngPieces(4600, 4400), 5 * mib)) {
      parts.push({ PartNumber: parts.length + 1, ETag: await sendPart(via, upload, parts.length + 1, part) });
      size += part.length;
    }
    expect(size).toBeGreaterThan(60 * 1000 * 1000);
    const res = await completeUpload(via, upload, parts);
    expect(res.status).toBe(200);
    const done = await uploadSettles(accessToken, (await res.json<{ location: string }>()).location, ["done", "failed"]);
    expect(done).toMatchObject({ status: "done" });
    expect(await getImage(accessToken, done.image_id ?? "")).toMatchObject({ width: 4600, height: 4400, size });
    const image = await renditionsReach(accessToken, done.image_id ?? "", ["done"], { timeoutMs: 90_000 });
    expect(image.thumb_url).not.toBeNull();
  });
});
