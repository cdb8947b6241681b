import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { images } from "../../db/schema";
import { deleteObject } from "../../services/object-store";
import { app, bearer, json, newSignedInUser, testDb, testDeps } from "../helpers";
import { type ImageBody, uploadOk } from "../image-helpers";
import { exifTiff, makeJpegWithMetadata, makePng } from "../images";
import { readZip } from "../zip-reader";

const download = (token: string, ids: string[]) => app("/images/download", json({ ids }, { headers: bearer(token) }));

async function storedBytes(image: ImageBody) {
  return new Uint8Array(await (await fetch(image.file_url)).arrayBuffer());
}

describe("POST /images/download", () => {
  it("streams the chosen originals as a store-only ZIP of exact length: every entry's bytes and CRC-32 check out", async () => {
    const { accessToken } = await newSignedInUser();
    const taken = makeJpegWithMetadata(24, 16, { exif: exifTiff({ dates: { original: "2023:08:09 10:11:12" } }), xmp: false, iptc: false, comment: false });
    const chosen = [
      await uploadOk(accessToken, { bytes: taken, name: "photo.jpg" }),
      await uploadOk(accessToken, { bytes: await makePng(40, 30, [1, 2, 3]), name: "photo.jpg" }),
      await uploadOk(accessToken, { bytes: await makePng(8, 8, [4, 5, 6]), name: "PHOTO.JPG" }),
      await uploadOk(accessToken, { bytes: await makePng(8, 8, [7, 8, 9]), name: "CON.png" }),
      await uploadOk(accessToken, { bytes: await makePng(8, 8, [7, 8, 7]), name: "what? a:b*c|d<e>.png" }),
      await uploadOk(accessToken, { bytes: await makePng(8, 8, [7, 7, 8]), name: "Überraschung 🎉.png" }),
    ];
    const res = await download(accessToken, chosen.map((image) => image.id));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="images-\d{4}-\d{2}-\d{2}\.zip"$/);
    const zip = new Uint8Array(await res.arrayBuffer());
    expect(res.headers.get("content-length")).toBe(String(zip.length));

    const files = readZip(zip);
    expect(files.map((file) => file.name)).toEqual(["photo.jpg", "photo (2).jpg", "PHOTO (3).JPG", "_CON.png", "what_ a_b_c_d_e_.png", "Überraschung 🎉.png"]);
    for (const [i, file] of files.entries()) {
      expect(file.bytes, file.name).toEqual(await storedBytes(chosen[i]));
      expect(file.usesDataDescriptor).toBe(false); // the CRC-32 was recorded on upload
    }
    expect(files[0].modified).toEqual({ year: 2023, month: 8, day: 9 }); // dated when taken
  });

  it("computes the CRC-32 while streaming, into a data descriptor, for images uploaded before it was recorded", async () => {
    const { accessToken } = await newSignedInUser();
    const old = await uploadOk(accessToken, { bytes: await makePng(64, 64, [9, 9, 9]), name: "old.png" });
    const recent = await uploadOk(accessToken, { bytes: await makePng(8, 8, [3, 3, 3]), name: "new.png" });
    await testDb().update(images).set({ crc32: null }).where(eq(images.id, old.id));
    const res = await download(accessToken, [old.id, recent.id]);
    const zip = new Uint8Array(await res.arrayBuffer());
    expect(res.headers.get("content-length")).toBe(String(zip.length));
    const files = readZip(zip);
    expect(files.map((file) => [file.name, file.usesDataDescriptor])).toEqual([["old.png", true], ["new.png", false]]);
    expect(files[0].bytes).toEqual(await storedBytes(old));
  });

  it("refuses the whole download with 404 when any id is not one of the caller's images, naming none", async () => {
    const me = await newSignedInUser();
    const other = await newSignedInUser();
    const mine = await uploadOk(me.accessToken, { bytes: await makePng(8, 8, [1, 1, 2]) });
    const theirs = await uploadOk(other.accessToken, { bytes: await makePng(8, 8, [1, 2, 2]) });
    for (const stranger of [theirs.id, crypto.randomUUID(), "not-an-id"]) {
      const res = await download(me.accessToken, [mine.id, stranger]);
      expect(res.status).toBe(404);
      const body = await res.json<{ code: string; message: string }>();
      expect(body.code).toBe("image_not_found");
      expect(body.message).not.toContain(stranger);
    }
  });

  it("fails the download, rather than ending it short, when an object cannot be read", async () => {
    const { accessToken } = await newSignedInUser();
    const first = await uploadOk(accessToken, { bytes: await makePng(8, 8, [5, 1, 1]) });
    const second = await uploadOk(accessToken, { bytes: await makePng(8, 8, [5, 2, 2]) });
    const [row] = await testDb().select({ key: images.key }).from(images).where(eq(images.id, second.id));
    await deleteObject(testDeps(), row.key);
    const res = await download(accessToken, [first.id, second.id]);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it.each([[[]], [Array.from({ length: 101 }, () => crypto.randomUUID())], [[7]]])("refuses ids %j with 400", async (ids) => {
    const { accessToken } = await newSignedInUser();
    const res = await app("/images/download", json({ ids }, { headers: bearer(accessToken) }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_request" });
  });
});
