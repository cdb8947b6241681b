import { describe, expect, it } from "vitest";
import { analyzeDueImages } from "../../services/analysis";
import { finishUnfinishedTrashMoves } from "../../services/trash";
import { app, bearer, json, newSignedInUser, testDeps } from "../helpers";
import { analysisReaches, dbFault, getImage, type ImageBody, s3Fault, storedObjects, uploadOk } from "../image-helpers";
import { makePng } from "../images";
import { renditionsReach } from "../rendition-helpers";

type Outcome = { results: { id: string; status: "ok" | "failed"; code?: string; message?: string }[]; summary: { succeeded: number; failed: number } };

async function bulk(token: string, body: Record<string, unknown>) {
  const res = await app("/images/bulk", json(body, { headers: bearer(token) }));
  return { status: res.status, body: await res.json<Outcome & { code?: string; field?: string }>() };
}

async function images(token: string, count: number, options: { noAi?: boolean } = {}) {
  const made: ImageBody[] = [];
  for (let i = 0; i < count; i++) {
    if (!options.noAi) {
      made.push(await uploadOk(token, { bytes: await makePng(8, 8, [i, 40, 80]) }));
      continue;
    }
    const form = new FormData();
    form.append("image", new File([await makePng(8, 8, [i, 80, 40])], `quiet-${i}.png`));
    form.append("no_ai", "true");
    const res = await app("/images/upload", { method: "POST", headers: bearer(token), body: form });
    made.push((await res.json<{ image: ImageBody }>()).image);
  }
  return made;
}

const notFound = { status: "failed", code: "image_not_found", message: "No such image" };

describe("POST /images/bulk", () => {
  it("moves the caller's images to the trash, row then objects, and reports each id: another user's, unknown and malformed ones are image_not_found", async () => {
    const me = await newSignedInUser();
    const other = await newSignedInUser();
    const [a, b] = await images(me.accessToken, 2);
    const [theirs] = await images(other.accessToken, 1);
    const unknown = crypto.randomUUID();
    const { status, body } = await bulk(me.accessToken, { action: "delete", ids: [a.id, theirs.id, b.id, unknown, "../etc", a.id.toUpperCase()] });
    expect(status).toBe(200);
    expect(body).toEqual({
      results: [{ id: a.id, status: "ok" }, { id: theirs.id, ...notFound }, { id: b.id, status: "ok" }, { id: unknown, ...notFound }, { id: "../etc", ...notFound }],
      summary: { succeeded: 2, failed: 3 },
    });
    for (const { id } of [a, b]) expect((await app(`/images/${id}`, { headers: bearer(me.accessToken) })).status).toBe(404);
    expect(await storedObjects(`users/${me.user.id}/`)).toEqual([]);
    expect(await storedObjects(`trash/users/${me.user.id}/`)).toHaveLength(2);
    expect(await getImage(other.accessToken, theirs.id)).toMatchObject({ id: theirs.id });
  });

  it("still trashes every row when the bucket fails, and the sweep finishes moving the objects", async () => {
    const { user, accessToken } = await newSignedInUser();
    const prefix = `users/${user.id}/`;
    const made = await images(accessToken, 3);
    // Each delete is tried twice (aws4fetch retries once): six failures fail all three.
    await s3Fault({ method: "DELETE", keyPrefix: prefix, faults: Array.from({ length: 6 }, () => ({ type: "status", status: 500 })) });
    const { body } = await bulk(accessToken, { action: "delete", ids: made.map((image) => image.id) });
    expect(body.summary).toEqual({ succeeded: 3, failed: 0 });
    expect(await storedObjects(prefix)).toHaveLength(3);
    // The sweep takes moves left unfinished for a couple of minutes: run it as if that much later.
    await finishUnfinishedTrashMoves(testDeps(), new Date(Date.now() + 5 * 60_000));
    expect(await storedObjects(prefix)).toEqual([]);
    expect(await storedObjects(`trash/${prefix}`)).toHaveLength(3);
  });

  it("sets never-send-to-AI per image through the same rules as PATCH, and loses nothing when some updates fail", async () => {
    const { accessToken } = await newSignedInUser();
    const made = await images(accessToken, 4);
    for (const image of made) await analysisReaches(accessToken, image.id, ["done"]);
    await dbFault({ match: ['update "images" set "no_ai"', made[2].id], faults: [{ type: "error", code: "57P01", message: "terminating connection" }] });
    const { status, body } = await bulk(accessToken, { action: "set_no_ai", no_ai: true, ids: made.map((image) => image.id) });
    expect(status).toBe(200);
    expect(body.results[2]).toMatchObject({ id: made[2].id, status: "failed", code: "database_unavailable" });
    expect(body.summary).toEqual({ succeeded: 3, failed: 1 });
    for (const [i, image] of made.entries()) {
      const now = await getImage(accessToken, image.id);
      if (i === 2) expect(now).toMatchObject({ no_ai: false, analysis_status: "done" });
      else expect(now).toMatchObject({ no_ai: true, analysis_status: "skipped", description: null, tags: [] });
    }
    const again = await bulk(accessToken, { action: "set_no_ai", no_ai: true, ids: [made[2].id] });
    expect(again.body.summary).toEqual({ succeeded: 1, failed: 0 });
  });

  it("sends images back to the AI a few at a time: the first ones at once, the rest by the sweep", async () => {
    const { user, accessToken } = await newSignedInUser();
    const made = await images(accessToken, 5, { noAi: true });
    // A renditions job still to run would send the analysis itself once no_ai is off, racing the sweep below.
    for (const image of made) await renditionsReach(accessToken, image.id, ["done"]);
    const { body } = await bulk(accessToken, { action: "set_no_ai", no_ai: false, ids: made.map((image) => image.id) });
    expect(body.summary).toEqual({ succeeded: 5, failed: 0 });
    for (const image of made.slice(0, 3)) await analysisReaches(accessToken, image.id, ["done"]);
    for (const image of made.slice(3)) expect(await getImage(accessToken, image.id)).toMatchObject({ no_ai: false, analysis_status: "pending" });
    expect(await analyzeDueImages(testDeps(), new Date(), { userId: user.id })).toBe(2);
    for (const image of made.slice(3)) expect(await getImage(accessToken, image.id)).toMatchObject({ analysis_status: "done" });
  });

  it("adds to and removes from an album; an album that is not the caller's is 404 for the whole call", async () => {
    const me = await newSignedInUser();
    const other = await newSignedInUser();
    const made = await images(me.accessToken, 2);
    const album = await (await app("/albums", json({ name: "bulk" }, { headers: bearer(me.accessToken) }))).json<{ id: string }>();
    const theirAlbum = await (await app("/albums", json({ name: "theirs" }, { headers: bearer(other.accessToken) }))).json<{ id: string }>();
    const ids = made.map((image) => image.id);
    expect((await bulk(me.accessToken, { action: "add_to_album", album_id: album.id, ids })).body.summary).toEqual({ succeeded: 2, failed: 0 });
    const inAlbum = await (await app(`/albums/${album.id}`, { headers: bearer(me.accessToken) })).json<{ image_count: number }>();
    expect(inAlbum.image_count).toBe(2);
    expect((await bulk(me.accessToken, { action: "remove_from_album", album_id: album.id, ids: [ids[0]] })).body.summary).toEqual({ succeeded: 1, failed: 0 });
    for (const albumId of [theirAlbum.id, crypto.randomUUID(), "nope"]) {
      const { status, body } = await bulk(me.accessToken, { action: "add_to_album", album_id: albumId, ids });
      expect(status).toBe(404);
      expect(body).toMatchObject({ code: "album_not_found" });
    }
    const theirs = await (await app(`/albums/${theirAlbum.id}`, { headers: bearer(other.accessToken) })).json<{ image_count: number }>();
    expect(theirs.image_count).toBe(0);
  });

  it.each([
    [{ action: "explode", ids: ["x"] }, "action"],
    [{ action: "delete" }, "ids"],
    [{ action: "delete", ids: [] }, "ids"],
    [{ action: "delete", ids: Array.from({ length: 101 }, (_, i) => String(i)) }, "ids"],
    [{ action: "set_no_ai", ids: ["x"] }, "no_ai"],
    [{ action: "add_to_album", ids: ["x"] }, "album_id"],
    [{ action: "delete", ids: ["x"], no_ai: true }, undefined],
  ])("refuses %j with 400", async (input, field) => {
    const { accessToken } = await newSignedInUser();
    const { status, body } = await bulk(accessToken, input);
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: "invalid_request", ...(field ? { field } : {}) });
  });
});
