import { afterEach, describe, expect, it, vi } from "vitest";
import { app, bearer, newSignedInUser, signIn } from "../helpers";
import { uploadOk, type ImageBody } from "../image-helpers";
import { makePng } from "../images";

const blue: [number, number, number] = [20, 40, 200];

async function listPage(token: string, query = "") {
  const res = await app(`/images${query}`, { headers: bearer(token) });
  expect(res.status).toBe(200);
  return res.json<{ images: ImageBody[]; next_cursor: string | null }>();
}

afterEach(() => vi.useRealTimers());

describe("GET /images", () => {
  it("lists only the caller's images, newest first, with signed URLs", async () => {
    const me = await newSignedInUser();
    const other = await newSignedInUser();
    const first = await uploadOk(me.accessToken, { bytes: await makePng(8, 8, blue), name: "first.png" });
    const second = await uploadOk(me.accessToken, { bytes: await makePng(8, 8, blue), name: "second.png" });
    await uploadOk(other.accessToken, { bytes: await makePng(8, 8, blue) });
    const page = await listPage(me.accessToken);
    expect(page.images.map((i) => i.id)).toEqual([second.id, first.id]);
    expect(page.next_cursor).toBeNull();
    for (const image of page.images) expect((await fetch(image.file_url)).status).toBe(200);
  });

  it("pages with a cursor without gaps or repeats while new uploads arrive", async () => {
    const { accessToken } = await newSignedInUser();
    const original: string[] = [];
    for (let i = 0; i < 5; i++) original.unshift((await uploadOk(accessToken, { bytes: await makePng(4, 4, blue) })).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { images: ImageBody[]; next_cursor: string | null } = await listPage(accessToken, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.images.map((i) => i.id));
      cursor = page.next_cursor;
      await uploadOk(accessToken, { bytes: await makePng(4, 4, blue) }); // arrives mid-walk
    } while (cursor);
    expect(seen).toEqual(original);
  });

  it.each([["0"], ["101"], ["abc"], ["-1"], ["1.5"]])("rejects limit=%s with 400 naming limit", async (limit) => {
    const { accessToken } = await newSignedInUser();
    const res = await app(`/images?limit=${limit}`, { headers: bearer(accessToken) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_request", field: "limit" });
  });

  it.each([["garbage"], [btoa("[1,2]")], [btoa('["2026-01-01T00:00:00.000Z","not-a-uuid"]')]])(
    "rejects a cursor it did not issue (%s) with 400",
    async (cursor) => {
      const { accessToken } = await newSignedInUser();
      const res = await app(`/images?cursor=${encodeURIComponent(cursor)}`, { headers: bearer(accessToken) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "invalid_cursor" });
    },
  );

  it("signs file URLs afresh on every read; an expired one is refused by the bucket", async () => {
    const { user, accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, blue) });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 2 * 60 * 60 * 1000);
    const then = await signIn(user); // a token valid two hours ago, so the URL is signed then
    const stale = await (await app(`/images/${image.id}`, { headers: bearer(then.accessToken) })).json<ImageBody>();
    vi.useRealTimers();
    const expired = await fetch(stale.file_url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("Request has expired");
    const fresh = await (await app(`/images/${image.id}`, { headers: bearer(accessToken) })).json<ImageBody>();
    expect((await fetch(fresh.file_url)).status).toBe(200);
  });

  it("keeps the bucket private: the unsigned object URL is refused", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, blue) });
    const unsigned = new URL(image.file_url);
    unsigned.search = "";
    expect((await fetch(unsigned)).status).toBe(403);
  });
});

describe("GET /images/:id and /images/:id/file", () => {
  it("returns the image's details", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(30, 20, blue), name: "detail.png" });
    const res = await app(`/images/${image.id}`, { headers: bearer(accessToken) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: image.id, file_name: "detail.png", width: 30, height: 20, analysis_status: expect.any(String) });
  });

  it("redirects /file to a freshly signed URL that serves the exact bytes", async () => {
    const { accessToken } = await newSignedInUser();
    const bytes = await makePng(8, 8, blue);
    const image = await uploadOk(accessToken, { bytes });
    const res = await app(`/images/${image.id}/file`, { headers: bearer(accessToken), redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const file = await fetch(res.headers.get("location")!);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
  });
});
