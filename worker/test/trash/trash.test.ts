import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { images } from "../../db/schema";
import { getConfig } from "../../env";
import { finishUnfinishedTrashMoves, purgeExpiredTrash } from "../../services/trash";
import { app, bearer, json, newSignedInUser, testDb, testDeps } from "../helpers";
import { getImage, type ImageBody, storedObjects, upload, uploadOk } from "../image-helpers";
import { uploadDirect, uploadSettles } from "../direct-upload-helpers";
import { quadrantPng, renditionsReach } from "../rendition-helpers";

type TrashBody = { images: (ImageBody & { deleted_at: string; purge_at: string })[]; next_cursor: string | null };
type Results = { results: { id: string; status: string; code?: string }[]; summary: { succeeded: number; failed: number } };

const dayMs = 24 * 60 * 60 * 1000;

async function trash(token: string, query = "") {
  const res = await app(`/trash${query}`, { headers: bearer(token) });
  expect(res.status).toBe(200);
  return res.json<TrashBody>();
}

async function listedIds(token: string, query = "") {
  const res = await app(`/images${query}`, { headers: bearer(token) });
  expect(res.status).toBe(200);
  return (await res.json<{ images: ImageBody[] }>()).images.map((image) => image.id);
}

const remove = (token: string, id: string) => app(`/images/${id}`, { method: "DELETE", headers: bearer(token) });
const restore = (token: string, id: string) => app(`/trash/${id}/restore`, { method: "POST", headers: bearer(token) });
const row = async (id: string) => (await testDb().select().from(images).where(eq(images.id, id)))[0];

/** A photo with its renditions made, and every URL the API handed out for it. */
async function photoWithRenditions(token: string, name = `${crypto.randomUUID()}.png`) {
  const uploaded = await uploadOk(token, { bytes: await quadrantPng(120, 90), name });
  const ready = await renditionsReach(token, uploaded.id, ["done"]);
  return { ...ready, urls: [ready.file_url, ready.thumb_url ?? "", ready.display_url ?? ""] };
}

describe("trash", () => {
  it("DELETE /images/:id moves the image to the trash: 404 image_not_found, out of the listing, its signed URLs answer an error at once", async () => {
    const { user, accessToken } = await newSignedInUser();
    const photo = await photoWithRenditions(accessToken);
    for (const url of photo.urls) expect((await fetch(url)).status).toBe(200);

    expect((await remove(accessToken, photo.id)).status).toBe(204);

    const res = await app(`/images/${photo.id}`, { headers: bearer(accessToken) });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "image_not_found" });
    expect(await listedIds(accessToken)).not.toContain(photo.id);
    for (const url of photo.urls) expect((await fetch(url)).status).toBe(404);
    expect(await storedObjects(`users/${user.id}/`)).toEqual([]);
    expect(await storedObjects(`renditions/users/${user.id}/`)).toEqual([]);
    expect(await storedObjects(`trash/users/${user.id}/`)).toHaveLength(1);
    expect(await storedObjects(`trash/renditions/users/${user.id}/`)).toHaveLength(2);
    expect((await row(photo.id)).objectsInTrash).toBe(true);
    // Gone from the trash operations' view of the library too: a second delete and a PATCH are 404.
    expect((await remove(accessToken, photo.id)).status).toBe(404);
    expect((await app(`/images/${photo.id}`, json({ favorite: true }, { method: "PATCH", headers: bearer(accessToken) }))).status).toBe(404);
  });

  it("GET /trash lists trashed images newest deletion first, with deleted_at, purge_at 30 days later and working thumbnails, paged", async () => {
    const { accessToken } = await newSignedInUser();
    const first = await photoWithRenditions(accessToken);
    const second = await photoWithRenditions(accessToken);
    const kept = await uploadOk(accessToken, { bytes: await quadrantPng(20, 20) });
    await remove(accessToken, first.id);
    await remove(accessToken, second.id);

    const page1 = await trash(accessToken, "?limit=1");
    expect(page1.images.map((image) => image.id)).toEqual([second.id]);
    const [listed] = page1.images;
    expect(Date.parse(listed.purge_at) - Date.parse(listed.deleted_at)).toBe(30 * dayMs);
    expect(Math.abs(Date.parse(listed.deleted_at) - Date.now())).toBeLessThan(60_000);
    expect((await fetch(listed.thumb_url ?? "")).status).toBe(200);
    const page2 = await trash(accessToken, `?limit=1&cursor=${page1.next_cursor}`);
    expect(page2.images.map((image) => image.id)).toEqual([first.id]);
    expect(page2.next_cursor).toBeNull();
    expect((await trash(accessToken)).images.map((image) => image.id)).not.toContain(kept.id);
  });

  it("another user's trash is theirs: not listed, and restore or delete forever answer 404", async () => {
    const owner = await newSignedInUser();
    const other = await newSignedInUser();
    const photo = await uploadOk(owner.accessToken, { bytes: await quadrantPng(20, 20) });
    await remove(owner.accessToken, photo.id);
    expect((await trash(other.accessToken)).images).toEqual([]);
    expect((await restore(other.accessToken, photo.id)).status).toBe(404);
    expect((await app(`/trash/${photo.id}`, { method: "DELETE", headers: bearer(other.accessToken) })).status).toBe(404);
    expect((await trash(owner.accessToken)).images.map((image) => image.id)).toEqual([photo.id]);
  });

  it("POST /trash/:id/restore brings it back: listed, its objects in the library, its new URLs working", async () => {
    const { user, accessToken } = await newSignedInUser();
    const photo = await photoWithRenditions(accessToken);
    await remove(accessToken, photo.id);

    const res = await restore(accessToken, photo.id);
    expect(res.status).toBe(200);
    const restored = await res.json<ImageBody>();
    expect(restored).toMatchObject({ id: photo.id, renditions_status: "done" });
    expect(await listedIds(accessToken)).toContain(photo.id);
    for (const url of [restored.file_url, restored.thumb_url ?? "", restored.display_url ?? ""]) expect((await fetch(url)).status).toBe(200);
    expect(await storedObjects(`trash/users/${user.id}/`)).toEqual([]);
    expect(await storedObjects(`trash/renditions/users/${user.id}/`)).toEqual([]);
    expect((await trash(accessToken)).images).toEqual([]);
    expect((await row(photo.id)).deletedAt).toBeNull();
    expect((await restore(accessToken, photo.id)).status).toBe(404);
  });

  it("a bulk delete moves to the trash and POST /trash/restore brings several back, each with its own result", async () => {
    const { accessToken } = await newSignedInUser();
    const a = await uploadOk(accessToken, { bytes: await quadrantPng(20, 20) });
    const b = await uploadOk(accessToken, { bytes: await quadrantPng(20, 20) });
    const deleted = await app("/images/bulk", json({ action: "delete", ids: [a.id, b.id] }, { headers: bearer(accessToken) }));
    expect((await deleted.json<Results>()).summary).toEqual({ succeeded: 2, failed: 0 });
    expect(await listedIds(accessToken)).toEqual([]);
    expect((await trash(accessToken)).images).toHaveLength(2);

    const unknown = crypto.randomUUID();
    const res = await app("/trash/restore", json({ ids: [a.id, b.id, unknown] }, { headers: bearer(accessToken) }));
    expect(res.status).toBe(200);
    const body = await res.json<Results>();
    expect(body.results).toEqual([
      { id: a.id, status: "ok" },
      { id: b.id, status: "ok" },
      { id: unknown, status: "failed", code: "image_not_found", message: expect.any(String) },
    ]);
    expect((await listedIds(accessToken)).sort()).toEqual([a.id, b.id].sort());
  });

  it("DELETE /trash/:id deletes for good: row and every object gone; an image in the library cannot be deleted that way", async () => {
    const { user, accessToken } = await newSignedInUser();
    const photo = await photoWithRenditions(accessToken);
    const kept = await uploadOk(accessToken, { bytes: await quadrantPng(20, 20) });
    await remove(accessToken, photo.id);

    expect((await app(`/trash/${photo.id}`, { method: "DELETE", headers: bearer(accessToken) })).status).toBe(204);
    expect(await row(photo.id)).toBeUndefined();
    expect(await storedObjects(`trash/users/${user.id}/`)).toEqual([]);
    expect(await storedObjects(`trash/renditions/users/${user.id}/`)).toEqual([]);
    expect((await restore(accessToken, photo.id)).status).toBe(404);
    expect((await app(`/trash/${kept.id}`, { method: "DELETE", headers: bearer(accessToken) })).status).toBe(404);
    expect((await getImage(accessToken, kept.id)).id).toBe(kept.id);
  });

  it("DELETE /trash empties the trash and leaves the library alone", async () => {
    const { user, accessToken } = await newSignedInUser();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await uploadOk(accessToken, { bytes: await quadrantPng(20, 20) })).id);
    const kept = await uploadOk(accessToken, { bytes: await quadrantPng(20, 20) });
    await app("/images/bulk", json({ action: "delete", ids }, { headers: bearer(accessToken) }));

    const res = await app("/trash", { method: "DELETE", headers: bearer(accessToken) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: 3 });
    expect((await trash(accessToken)).images).toEqual([]);
    expect(await storedObjects(`trash/users/${user.id}/`)).toEqual([]);
    expect(await listedIds(accessToken)).toEqual([kept.id]);
  });

  it("the sweep deletes images trashed TRASH_DAYS ago for good and keeps younger ones", async () => {
    const { user, accessToken } = await newSignedInUser();
    const old = await uploadOk(accessToken, { bytes: await quadrantPng(20, 20) });
    const young = await uploadOk(accessToken, { bytes: await quadrantPng(20, 20) });
    await app("/images/bulk", json({ action: "delete", ids: [old.id, young.id] }, { headers: bearer(accessToken) }));
    const now = new Date();
    await testDb().update(images).set({ deletedAt: new Date(now.getTime() - 30 * dayMs - 60_000) }).where(eq(images.id, old.id));
    await testDb().update(images).set({ deletedAt: new Date(now.getTime() - 29 * dayMs) }).where(eq(images.id, young.id));

    expect(await purgeExpiredTrash(testDeps(), now)).toBeGreaterThanOrEqual(1);
    expect(await row(old.id)).toBeUndefined();
    expect((await trash(accessToken)).images.map((image) => image.id)).toEqual([young.id]);
    expect((await storedObjects(`trash/users/${user.id}/`)).map((object) => object.key)).toEqual([`trash/${(await row(young.id)).key}`]);
  });

  it("the sweep finishes a move to the trash that was cut short (row trashed, objects still in the library)", async () => {
    const { user, accessToken } = await newSignedInUser();
    const photo = await photoWithRenditions(accessToken);
    // What a crash between the row's update and the objects' move leaves.
    await testDb().update(images).set({ deletedAt: new Date(Date.now() - 10 * 60_000) }).where(eq(images.id, photo.id));
    expect(await listedIds(accessToken)).toEqual([]);

    expect(await finishUnfinishedTrashMoves(testDeps(), new Date())).toBeGreaterThanOrEqual(1);
    expect((await row(photo.id)).objectsInTrash).toBe(true);
    for (const url of photo.urls) expect((await fetch(url)).status).toBe(404);
    expect(await storedObjects(`trash/users/${user.id}/`)).toHaveLength(1);
    expect(await storedObjects(`trash/renditions/users/${user.id}/`)).toHaveLength(2);
  });

  it("the same bytes uploaded while a copy is in the trash are a new image; restoring the trashed copy then answers 409 duplicate_in_library", async () => {
    const { accessToken } = await newSignedInUser();
    const bytes = await quadrantPng(20, 20);
    const first = await uploadOk(accessToken, { bytes });
    await remove(accessToken, first.id);

    const again = await upload(accessToken, { bytes });
    expect(again.status).toBe(201);
    const body = await again.json<{ image: ImageBody; duplicate?: boolean }>();
    expect(body.image.id).not.toBe(first.id);
    expect(await listedIds(accessToken)).toEqual([body.image.id]);

    const res = await restore(accessToken, first.id);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "duplicate_in_library" });
    expect((await trash(accessToken)).images.map((image) => image.id)).toEqual([first.id]);
  });

  it("a direct upload of bytes whose copy is in the trash makes a new image, not a duplicate of the trashed one", async () => {
    const { accessToken } = await newSignedInUser();
    const file = { bytes: await quadrantPng(24, 24), name: "again.png", type: "image/png" };
    const first = await uploadSettles(accessToken, (await uploadDirect({ token: accessToken }, file)).completed.location);
    expect((await remove(accessToken, first.image_id ?? "")).status).toBe(204);

    const second = await uploadSettles(accessToken, (await uploadDirect({ token: accessToken }, file)).completed.location);
    expect(second).toMatchObject({ status: "done", duplicate: false });
    expect(second.image_id).not.toBe(first.image_id);
    expect(await listedIds(accessToken)).toEqual([second.image_id]);
    // And a third is a duplicate of the one in the library.
    const third = await uploadSettles(accessToken, (await uploadDirect({ token: accessToken }, file)).completed.location);
    expect(third).toMatchObject({ status: "done", duplicate: true, image_id: second.image_id });
  });

  it("a trashed image leaves search, the timeline, its albums (count and cover) and its share links, and comes back with a restore", async () => {
    const { accessToken } = await newSignedInUser();
    const name = `trash-${crypto.randomUUID().slice(0, 8)}.png`;
    const photo = await uploadOk(accessToken, { bytes: await quadrantPng(20, 20), name });
    const albumRes = await app("/albums", json({ name: "Trip" }, { headers: bearer(accessToken) }));
    const album = await albumRes.json<{ id: string }>();
    await app(`/albums/${album.id}/images`, json({ ids: [photo.id] }, { headers: bearer(accessToken) }));
    await app(`/albums/${album.id}`, json({ cover_image_id: photo.id }, { method: "PATCH", headers: bearer(accessToken) }));
    const shareRes = await app(`/images/${photo.id}/shares`, json({ expires_in: 3600 }, { headers: bearer(accessToken) }));
    const share = await shareRes.json<{ url: string }>();
    expect((await app(new URL(share.url).pathname)).status).toBe(200);

    await remove(accessToken, photo.id);
    expect(await listedIds(accessToken, `?q=${encodeURIComponent(name.slice(0, -4))}`)).toEqual([]);
    const months = await (await app("/images/timeline", { headers: bearer(accessToken) })).json<{ months: unknown[] }>();
    expect(months.months).toEqual([]);
    const trashedAlbum = await (await app(`/albums/${album.id}`, { headers: bearer(accessToken) })).json<{ image_count: number; cover: unknown }>();
    expect(trashedAlbum).toMatchObject({ image_count: 0, cover: null });
    const inAlbum = await (await app(`/albums/${album.id}/images`, { headers: bearer(accessToken) })).json<{ images: unknown[] }>();
    expect(inAlbum.images).toEqual([]);
    expect((await app(new URL(share.url).pathname)).status).toBe(404);

    await restore(accessToken, photo.id);
    expect(await listedIds(accessToken, `?q=${encodeURIComponent(name.slice(0, -4))}`)).toEqual([photo.id]);
    const back = await (await app(`/albums/${album.id}`, { headers: bearer(accessToken) })).json<{ image_count: number; cover: { id: string } }>();
    expect(back).toMatchObject({ image_count: 1, cover: { id: photo.id } });
  });

  it("TRASH_DAYS is checked like the other settings", () => {
    expect(getConfig({ ...env, TRASH_DAYS: undefined }).TRASH_DAYS).toBe(30);
    expect(getConfig({ ...env, TRASH_DAYS: "7" }).TRASH_DAYS).toBe(7);
    expect(() => getConfig({ ...env, TRASH_DAYS: "0" })).toThrow(/TRASH_DAYS must be at least 1/);
    expect(() => getConfig({ ...env, TRASH_DAYS: "soon" })).toThrow(/TRASH_DAYS must be a whole number/);
  });
});
