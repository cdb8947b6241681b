import { describe, expect, it } from "vitest";
import { app, bearer, json, newSignedInUser } from "../helpers";
import { getImage, type ImageBody, uploadOk } from "../image-helpers";
import { makePng } from "../images";

type Page = { images: ImageBody[]; next_cursor: string | null };

const star = (token: string, id: string, favorite: unknown) => app(`/images/${id}`, json({ favorite }, { method: "PATCH", headers: bearer(token) }));

async function page(token: string, query: string) {
  const res = await app(`/images?${query}`, { headers: bearer(token) });
  expect(res.status).toBe(200);
  return res.json<Page>();
}

/** Follows next_cursor to the end, `limit` at a time. */
async function allPages(token: string, query: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const body: Page = await page(token, `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    ids.push(...body.images.map((image) => image.id));
    cursor = body.next_cursor;
  } while (cursor);
  return ids;
}

async function photos(token: string, count: number, name = "photo.png") {
  const made: ImageBody[] = [];
  for (let i = 0; i < count; i++) made.push(await uploadOk(token, { bytes: await makePng(8, 8, [i, 100, 200]), name }));
  return made;
}

describe("favourites", () => {
  it("PATCH /images/:id {favorite} stars and unstars; the image JSON says favorite", async () => {
    const { accessToken } = await newSignedInUser();
    const [photo] = await photos(accessToken, 1);
    expect(photo.favorite).toBe(false);
    const res = await star(accessToken, photo.id, true);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: photo.id, favorite: true });
    expect((await getImage(accessToken, photo.id)).favorite).toBe(true);
    expect(await (await star(accessToken, photo.id, false)).json()).toMatchObject({ favorite: false });
    expect((await getImage(accessToken, photo.id)).favorite).toBe(false);
  });

  it("refuses a favorite that is not true or false with 400, and another user's image with 404", async () => {
    const owner = await newSignedInUser();
    const other = await newSignedInUser();
    const [photo] = await photos(owner.accessToken, 1);
    expect((await star(owner.accessToken, photo.id, "yes")).status).toBe(400);
    const theirs = await star(other.accessToken, photo.id, true);
    expect(theirs.status).toBe(404);
    expect((await getImage(owner.accessToken, photo.id)).favorite).toBe(false);
    expect((await app("/images?favorite=maybe", { headers: bearer(owner.accessToken) })).status).toBe(400);
  });

  it("GET /images?favorite=true lists only starred images in timeline order, page by page with the cursor", async () => {
    const { accessToken } = await newSignedInUser();
    const made = await photos(accessToken, 5);
    const starred = [made[0], made[2], made[3], made[4]];
    for (const photo of starred) expect((await star(accessToken, photo.id, true)).status).toBe(200);
    const everyone = (await page(accessToken, "limit=100")).images.map((image) => image.id);
    const expected = everyone.filter((id) => starred.some((photo) => photo.id === id));

    expect(await allPages(accessToken, "favorite=true", 1)).toEqual(expected);
    expect(await allPages(accessToken, "favorite=true", 3)).toEqual(expected);
    expect(await allPages(accessToken, "favorite=false", 2)).toEqual([made[1].id]);
    expect((await page(accessToken, "favorite=true&limit=100")).images.every((image) => image.favorite)).toBe(true);
  });

  it("favorite=true works with search and tags, and a starred image in the trash is not listed", async () => {
    const { accessToken } = await newSignedInUser();
    const word = `fav${crypto.randomUUID().slice(0, 8)}`;
    const [match, other] = await photos(accessToken, 2, `${word}.png`);
    const [elsewhere] = await photos(accessToken, 1, "unrelated.png");
    for (const photo of [match, other, elsewhere]) await star(accessToken, photo.id, true);
    await app(`/images/${match.id}`, json({ tags: ["beach"] }, { method: "PATCH", headers: bearer(accessToken) }));

    const searched = await page(accessToken, `favorite=true&q=${word}`);
    expect(searched.images.map((image) => image.id).sort()).toEqual([match.id, other.id].sort());
    expect((await page(accessToken, "favorite=true&tag=beach")).images.map((image) => image.id)).toEqual([match.id]);

    expect((await app(`/images/${other.id}`, { method: "DELETE", headers: bearer(accessToken) })).status).toBe(204);
    expect((await page(accessToken, `favorite=true&q=${word}`)).images.map((image) => image.id)).toEqual([match.id]);
  });
});
