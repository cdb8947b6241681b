import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { images } from "../../db/schema";
import { deleteObject } from "../../services/object-store";
import { app, bearer, json, newSignedInUser, testDb, testDeps } from "../helpers";
import { type ImageBody, uploadOk } from "../image-helpers";
import { exifTiff, makeJpegWithMetadata, makePng } from "../images";
import { readZip } from "../zip-reader";

interface Manifest {
  user: { id: string; email: string };
  settings: object;
  images: (Omit<ImageBody, "file_url"> & { file: string; file_url?: string })[];
  albums: { id: string; name: string; image_ids: string[]; cover_image_id: string | null }[];
}

const exportZip = (token: string) => app("/auth/me/export?format=zip", { headers: bearer(token) });

describe("GET /auth/me/export?format=zip", () => {
  it("streams export.json and every original: files match the bucket, the manifest names each file and keeps taken_at and albums", async () => {
    const me = await newSignedInUser();
    const other = await newSignedInUser();
    const taken = makeJpegWithMetadata(16, 16, { exif: exifTiff({ dates: { original: "2022:02:02 12:34:56" } }), xmp: false, iptc: false, comment: false });
    const mine = [
      await uploadOk(me.accessToken, { bytes: taken, name: "beach.jpg" }),
      await uploadOk(me.accessToken, { bytes: await makePng(20, 10, [1, 2, 3]), name: "beach.jpg" }),
      await uploadOk(me.accessToken, { bytes: await makePng(8, 8, [3, 2, 1]), name: "../notes.png" }),
    ];
    const theirs = await uploadOk(other.accessToken, { bytes: await makePng(8, 8, [9, 9, 9]) });
    const album = await (await app("/albums", json({ name: "Trip" }, { headers: bearer(me.accessToken) }))).json<{ id: string }>();
    await app(`/albums/${album.id}/images`, json({ ids: [mine[0].id, mine[2].id] }, { headers: bearer(me.accessToken) }));

    const res = await exportZip(me.accessToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="image-service-export-\d{4}-\d{2}-\d{2}\.zip"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-export-images")).toBe("3");
    expect(res.headers.get("x-export-image-bytes")).toBe(String(mine.reduce((sum, image) => sum + image.size, 0)));

    const files = readZip(new Uint8Array(await res.arrayBuffer()));
    expect(files[0].name).toBe("export.json");
    const manifestText = new TextDecoder().decode(files[0].bytes);
    const manifest: Manifest = JSON.parse(manifestText);
    expect(manifest.user).toMatchObject({ id: me.user.id, email: me.user.email });
    expect(manifestText).not.toContain(theirs.id);
    expect(manifestText).not.toContain("X-Amz-Signature");
    expect(manifest.images.map((image) => image.id).sort()).toEqual(mine.map((image) => image.id).sort());
    expect(manifest.images.find((image) => image.id === mine[0].id)).toMatchObject({ taken_at: "2022-02-02T12:34:56" });
    expect(manifest.albums).toEqual([{ id: album.id, name: "Trip", cover_image_id: null, image_ids: expect.arrayContaining([mine[0].id, mine[2].id]), created_at: expect.any(String) }]);

    const byName = new Map(files.slice(1).map((file) => [file.name, file]));
    expect([...byName.keys()].sort()).toEqual(manifest.images.map((image) => image.file).sort());
    expect([...byName.keys()].sort()).toEqual(["images/beach (2).jpg", "images/beach.jpg", "images/notes.png"]);
    for (const record of manifest.images) {
      const original = mine.find((image) => image.id === record.id);
      const stored = new Uint8Array(await (await fetch(original?.file_url ?? "")).arrayBuffer());
      expect(byName.get(record.file)?.bytes, record.file).toEqual(stored);
    }
  });

  it("leaves out a file deleted meanwhile and says so in missing-files.txt", async () => {
    const { accessToken } = await newSignedInUser();
    const kept = await uploadOk(accessToken, { bytes: await makePng(8, 8, [4, 4, 1]), name: "kept.png" });
    const lost = await uploadOk(accessToken, { bytes: await makePng(8, 8, [4, 4, 2]), name: "lost.png" });
    const [row] = await testDb().select({ key: images.key }).from(images).where(eq(images.id, lost.id));
    await deleteObject(testDeps(), row.key);
    const files = readZip(new Uint8Array(await (await exportZip(accessToken)).arrayBuffer()));
    expect(files.map((file) => file.name)).toEqual(["export.json", "images/kept.png", "missing-files.txt"]);
    expect(new TextDecoder().decode(files[2].bytes)).toContain("images/lost.png");
    expect(files[1].bytes).toEqual(new Uint8Array(await (await fetch(kept.file_url)).arrayBuffer()));
  });

  it("exports an account without images as the manifest alone", async () => {
    const { accessToken } = await newSignedInUser();
    const files = readZip(new Uint8Array(await (await exportZip(accessToken)).arrayBuffer()));
    expect(files.map((file) => file.name)).toEqual(["export.json"]);
    expect(JSON.parse(new TextDecoder().decode(files[0].bytes))).toMatchObject({ images: [], albums: [] });
  });

  it("refuses an unknown format with 400", async () => {
    const { accessToken } = await newSignedInUser();
    const res = await app("/auth/me/export?format=tar", { headers: bearer(accessToken) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_request", field: "format" });
  });
});
