import { describe, expect, it } from "vitest";
import { allIds, app, bearer, json, newSignedInUser } from "../helpers";
import type { ImageBody } from "../image-helpers";
import { makePng } from "../images";

/** An image kept from the AI (so no analysis rewrites its text), named and described as the owner typed it. */
async function ownImage(token: string, name: string, text: { description?: string; tags?: string[] } = {}) {
  const form = new FormData();
  form.append("image", new File([await makePng(8, 8, [30, 60, 90])], name));
  form.append("no_ai", "true");
  const res = await app("/images/upload", { method: "POST", headers: bearer(token), body: form });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  const { image } = await res.json<{ image: ImageBody }>();
  if (text.description !== undefined || text.tags !== undefined) {
    const patched = await app(`/images/${image.id}`, json(text, { method: "PATCH", headers: bearer(token) }));
    expect(patched.status).toBe(200);
  }
  return image.id;
}

const search = (token: string, q: string, limit = 100) => allIds(token, `/images?q=${encodeURIComponent(q)}&limit=${limit}`);

describe("search finds what people type", () => {
  it("matches file names by prefix and by a piece inside, in any case", async () => {
    const { accessToken } = await newSignedInUser();
    const jolla = await ownImage(accessToken, "jolla.jpg");
    const dscn = await ownImage(accessToken, "DSCN0010.jpg");
    await ownImage(accessToken, "holiday.png");
    expect(await search(accessToken, "jolla")).toEqual([jolla]);
    expect(await search(accessToken, "jol")).toEqual([jolla]);
    expect(await search(accessToken, "olla")).toEqual([jolla]);
    expect(await search(accessToken, "JOLLA.JPG")).toEqual([jolla]);
    expect(await search(accessToken, "DSCN0010")).toEqual([dscn]);
    expect(await search(accessToken, "dscn0010")).toEqual([dscn]);
    expect(await search(accessToken, "0010")).toEqual([dscn]);
    expect(await search(accessToken, "giraffe")).toEqual([]);
  });

  it("matches words in any order, also while the last one is still being typed", async () => {
    const { accessToken } = await newSignedInUser();
    const kite = await ownImage(accessToken, "IMG_0001.jpg", { description: "A red kite over the sea at dusk" });
    await ownImage(accessToken, "IMG_0002.jpg", { description: "A red bicycle in the snow" });
    for (const q of ["kite sea", "sea kite", "Sea Red Kite", "red kit", "dusk se"]) expect(await search(accessToken, q), q).toEqual([kite]);
    expect(await search(accessToken, "kite 0001")).toEqual([kite]); // a word of the text and a piece of the name
    expect(await search(accessToken, "kite 0002")).toEqual([]);
  });

  it("matches tags whatever their case and the query's", async () => {
    const { accessToken } = await newSignedInUser();
    const tagged = await ownImage(accessToken, "a.jpg", { tags: ["Sunset", "Golden Gate"] });
    for (const q of ["sunset", "SUNSET", "Sunset", "golden gate", "GATE golden"]) expect(await search(accessToken, q), q).toEqual([tagged]);
    const res = await app("/images?tag=SUNSET", { headers: bearer(accessToken) });
    expect((await res.json<{ images: ImageBody[] }>()).images.map((image) => image.id)).toEqual([tagged]);
  });

  it("puts exact matches first: the file name, then a tag, then whole words, then prefixes and pieces", async () => {
    const { accessToken } = await newSignedInUser();
    const piece = await ownImage(accessToken, "xkitex.png");
    const prefix = await ownImage(accessToken, "b.png", { description: "Kitesurfers on the lake" });
    const word = await ownImage(accessToken, "c.png", { description: "A kite in the sky" });
    const tag = await ownImage(accessToken, "d.png", { tags: ["kite"] });
    const name = await ownImage(accessToken, "Kite.JPG");
    expect(await search(accessToken, "kite")).toEqual([name, tag, word, prefix, piece]);
  });

  it("pages search results with a cursor that is exact, ties included", async () => {
    const { accessToken } = await newSignedInUser();
    for (let i = 0; i < 5; i++) await ownImage(accessToken, `harbour-${i}.jpg`, { description: i % 2 ? "harbour boats" : "boats" });
    const all = await search(accessToken, "harbour boats");
    expect(all).toHaveLength(5);
    for (const limit of [1, 2, 3]) expect(await search(accessToken, "harbour boats", limit), `limit ${limit}`).toEqual(all);
  });

  it("keeps the websearch syntax: quoted phrases, OR and -word", async () => {
    const { accessToken } = await newSignedInUser();
    const cat = await ownImage(accessToken, "1.png", { description: "A black cat on a red sofa" });
    const dog = await ownImage(accessToken, "2.png", { description: "A dog on a red sofa" });
    expect(await search(accessToken, "sofa -dog")).toEqual([cat]);
    expect(new Set(await search(accessToken, "cat OR dog"))).toEqual(new Set([cat, dog]));
    expect(await search(accessToken, '"black cat"')).toEqual([cat]);
    expect(await search(accessToken, '"cat black"')).toEqual([]);
  });

  it.each(["%", "_", "\\", "50%_off\\", "'; drop table images; --", ":*", "a & b | !c", "(((", "🙂"])("treats %j as text, never as a pattern or a query operator", async (q) => {
    const { accessToken } = await newSignedInUser();
    await ownImage(accessToken, "plain.png");
    const res = await app(`/images?q=${encodeURIComponent(q)}`, { headers: bearer(accessToken) });
    expect(res.status).toBe(200);
    expect((await res.json<{ images: ImageBody[] }>()).images).toEqual([]);
  });
});
