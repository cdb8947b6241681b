import type { hc, InferResponseType } from "hono/client";
import { describe, expect, it } from "vitest";
import type { AppType } from "../../app-type";
import { allIds, app, bearer, json, newSignedInUser } from "../helpers";
import { type ImageBody, uploadOk } from "../image-helpers";
import { exifTiff, makeJpegWithMetadata, makePng } from "../images";

type Client = ReturnType<typeof hc<AppType>>;
type AlbumBody = InferResponseType<Client["albums"][":id"]["$get"], 200>;
type Results = { results: { id: string; status: string; code?: string }[]; summary: { succeeded: number; failed: number } };

const photoTakenAt = (original: string) => makeJpegWithMetadata(16, 16, { exif: exifTiff({ dates: { original } }), xmp: false, iptc: false, comment: false });

async function newAlbum(token: string, name = "Holiday") {
  const res = await app("/albums", json({ name }, { headers: bearer(token) }));
  expect(res.status).toBe(201);
  return res.json<AlbumBody>();
}

async function album(token: string, id: string) {
  const res = await app(`/albums/${id}`, { headers: bearer(token) });
  expect(res.status).toBe(200);
  return res.json<AlbumBody>();
}

async function change(token: string, method: "POST" | "DELETE", albumId: string, ids: string[]) {
  const res = await app(`/albums/${albumId}/images`, json({ ids }, { method, headers: bearer(token) }));
  expect(res.status).toBe(200);
  return res.json<Results>();
}

const albumImageIds = (token: string, albumId: string, limit = 100) => allIds(token, `/albums/${albumId}/images?limit=${limit}`);

describe("albums", () => {
  it("creates, renames, lists and deletes an album; deleting it keeps its images", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, [1, 1, 1]) });
    const created = await newAlbum(accessToken, "  Summer \u0000 2024  ");
    expect(created).toMatchObject({ name: "Summer 2024", image_count: 0, cover: null, cover_image_id: null });
    await change(accessToken, "POST", created.id, [image.id]);

    const renamed = await app(`/albums/${created.id}`, json({ name: "Summer '24" }, { method: "PATCH", headers: bearer(accessToken) }));
    expect(await renamed.json()).toMatchObject({ id: created.id, name: "Summer '24", image_count: 1 });
    const listed = await (await app("/albums", { headers: bearer(accessToken) })).json<{ albums: AlbumBody[]; next_cursor: string | null }>();
    expect(listed).toMatchObject({ albums: [{ id: created.id, name: "Summer '24" }], next_cursor: null });

    expect((await app(`/albums/${created.id}`, { method: "DELETE", headers: bearer(accessToken) })).status).toBe(204);
    const gone = await app(`/albums/${created.id}`, { headers: bearer(accessToken) });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: "album_not_found" });
    expect((await app(`/images/${image.id}`, { headers: bearer(accessToken) })).status).toBe(200);
  });

  it("pages the album list newest first", async () => {
    const { accessToken } = await newSignedInUser();
    const made = [];
    for (const name of ["a", "b", "c"]) made.unshift((await newAlbum(accessToken, name)).id);
    expect(await allIds(accessToken, "/albums?limit=1", "albums")).toEqual(made);
  });

  it("adds and removes images per item: another user's, unknown and malformed ids fail as image_not_found", async () => {
    const me = await newSignedInUser();
    const other = await newSignedInUser();
    const mine = await uploadOk(me.accessToken, { bytes: await makePng(8, 8, [2, 2, 2]) });
    const theirs = await uploadOk(other.accessToken, { bytes: await makePng(8, 8, [3, 3, 3]) });
    const { id } = await newAlbum(me.accessToken);
    const unknown = crypto.randomUUID();
    const added = await change(me.accessToken, "POST", id, [mine.id, theirs.id, unknown, "not-an-id", mine.id]);
    expect(added).toEqual({
      results: [
        { id: mine.id, status: "ok" },
        { id: theirs.id, status: "failed", code: "image_not_found", message: "No such image" },
        { id: unknown, status: "failed", code: "image_not_found", message: "No such image" },
        { id: "not-an-id", status: "failed", code: "image_not_found", message: "No such image" },
      ],
      summary: { succeeded: 1, failed: 3 },
    });
    expect(await change(me.accessToken, "POST", id, [mine.id])).toMatchObject({ summary: { succeeded: 1, failed: 0 } }); // already in: fine
    expect((await album(me.accessToken, id)).image_count).toBe(1);
    expect(await albumImageIds(me.accessToken, id)).toEqual([mine.id]);

    expect(await change(me.accessToken, "DELETE", id, [mine.id, theirs.id])).toMatchObject({ summary: { succeeded: 1, failed: 1 } });
    expect(await albumImageIds(me.accessToken, id)).toEqual([]);
    expect((await app(`/images/${theirs.id}`, { headers: bearer(other.accessToken) })).status).toBe(200);
  });

  it("lists an album's images in timeline order with a cursor, without gaps or repeats", async () => {
    const { accessToken } = await newSignedInUser();
    const dates = ["2021:01:01 10:00:00", "2023:01:01 10:00:00", "2022:01:01 10:00:00", "2022:01:01 10:00:00"];
    const images = [];
    for (const date of dates) images.push(await uploadOk(accessToken, { bytes: photoTakenAt(date) }));
    await uploadOk(accessToken, { bytes: await makePng(8, 8, [4, 4, 4]) }); // not in the album
    const { id } = await newAlbum(accessToken);
    await change(accessToken, "POST", id, images.map((image) => image.id));
    const tied = [images[2].id, images[3].id].sort().reverse();
    const expected = [images[1].id, ...tied, images[0].id];
    for (const limit of [1, 2, 100]) expect(await albumImageIds(accessToken, id, limit), `limit ${limit}`).toEqual(expected);
    const from = await (await app(`/albums/${id}/images?from=2022-01`, { headers: bearer(accessToken) })).json<{ images: ImageBody[] }>();
    expect(from.images.map((image) => image.id)).toEqual([...tied, images[0].id]);
  });

  it("shows the first image as cover until one is chosen; the chosen cover must be in the album", async () => {
    const me = await newSignedInUser();
    const other = await newSignedInUser();
    const older = await uploadOk(me.accessToken, { bytes: photoTakenAt("2020:01:01 00:00:00") });
    const newer = await uploadOk(me.accessToken, { bytes: photoTakenAt("2024:01:01 00:00:00") });
    const outside = await uploadOk(me.accessToken, { bytes: await makePng(8, 8, [5, 5, 5]) });
    const theirs = await uploadOk(other.accessToken, { bytes: await makePng(8, 8, [6, 6, 6]) });
    const { id } = await newAlbum(me.accessToken);
    await change(me.accessToken, "POST", id, [older.id, newer.id]);
    expect(await album(me.accessToken, id)).toMatchObject({ image_count: 2, cover_image_id: null, cover: { id: newer.id, file_url: expect.stringContaining("X-Amz-Signature=") } });

    const patch = (cover: string | null) => app(`/albums/${id}`, json({ cover_image_id: cover }, { method: "PATCH", headers: bearer(me.accessToken) }));
    expect(await (await patch(older.id)).json()).toMatchObject({ cover_image_id: older.id, cover: { id: older.id } });
    for (const refused of [outside.id, theirs.id, crypto.randomUUID(), "nope"]) {
      const res = await patch(refused);
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ code: "cover_not_in_album", field: "cover_image_id" });
    }
    await change(me.accessToken, "DELETE", id, [older.id]);
    expect(await album(me.accessToken, id)).toMatchObject({ cover_image_id: null, cover: { id: newer.id } });
    await change(me.accessToken, "POST", id, [older.id]);
    await patch(older.id);
    expect(await (await patch(null)).json()).toMatchObject({ cover_image_id: null, cover: { id: newer.id } });
  });

  it("keeps an image in several albums; trashing the image takes it out of all of them, deleting it for good forgets it", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, [7, 7, 7]) });
    const first = await newAlbum(accessToken, "one");
    const second = await newAlbum(accessToken, "two");
    await change(accessToken, "POST", first.id, [image.id]);
    await change(accessToken, "POST", second.id, [image.id]);
    await app(`/albums/${first.id}`, json({ cover_image_id: image.id }, { method: "PATCH", headers: bearer(accessToken) }));
    expect((await app(`/images/${image.id}`, { method: "DELETE", headers: bearer(accessToken) })).status).toBe(204);
    // In the trash it still belongs to them (a restore brings it back where it was), but nothing shows it.
    expect(await album(accessToken, first.id)).toMatchObject({ image_count: 0, cover: null, cover_image_id: image.id });
    expect(await album(accessToken, second.id)).toMatchObject({ image_count: 0, cover: null });
    expect((await app(`/trash/${image.id}`, { method: "DELETE", headers: bearer(accessToken) })).status).toBe(204);
    for (const { id } of [first, second]) expect(await album(accessToken, id)).toMatchObject({ image_count: 0, cover: null, cover_image_id: null });
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: " \u0000 " }, "name"],
    [{ name: "x".repeat(101) }, "name"],
    [{ name: 7 }, "name"],
    [{ title: "x" }, undefined],
  ])("refuses %j with 400", async (body, field) => {
    const { accessToken } = await newSignedInUser();
    const res = await app("/albums", json(body, { headers: bearer(accessToken) }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_request", ...(field ? { field } : {}) });
  });

  it("refuses more than 100 ids at once, and none", async () => {
    const { accessToken } = await newSignedInUser();
    const { id } = await newAlbum(accessToken);
    for (const ids of [[], Array.from({ length: 101 }, () => crypto.randomUUID())]) {
      const res = await app(`/albums/${id}/images`, json({ ids }, { headers: bearer(accessToken) }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "invalid_request", field: "ids" });
    }
  });
});
