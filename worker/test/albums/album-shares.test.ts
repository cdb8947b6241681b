import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { shares } from "../../db/schema";
import { app, bearer, json, newSignedInUser, testDb } from "../helpers";
import { type ImageBody, sha256Hex } from "../image-helpers";
import { heicPhoto, renditionsReach } from "../rendition-helpers";
import { albumOf, fetchPath, links, type ShareBody, shareAlbum, sharedAlbum, thumbs, visit } from "./album-share-helpers";

describe("album share links", () => {
  it("show the album's name and pictures without an account, and nothing of the owner", async () => {
    const { owner, inside, share } = await sharedAlbum();
    expect(share.url).toMatch(/\/s\/[\w-]{43}$/);
    const res = await visit(share.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("img-src 'self'");
    const html = await res.text();
    expect(html).toContain("<h1>Summer by the lake</h1>");
    expect(html).toContain("2 pictures.");
    for (const secret of [owner.user.id, owner.user.username, owner.user.email, "secret-", "users/", "X-Amz-"]) expect(html).not.toContain(secret);
    expect(thumbs(html)).toHaveLength(2);
    for (const url of links(html)) {
      const picture = await fetchPath(url);
      expect(picture.status).toBe(200);
      // Before its renditions are made, an original stripped of metadata; after, the display rendition.
      const bytes = new Uint8Array(await picture.arrayBuffer());
      if (picture.headers.get("content-type") === "image/png") expect(inside.map((image) => image.sha256)).toContain(await sha256Hex(bytes));
      else expect(picture.headers.get("content-type")).toBe("image/webp");
    }
    for (const url of thumbs(html)) {
      const picture = await fetchPath(url);
      expect(picture.status).toBe(200);
      expect(picture.headers.get("cache-control")).toBe("private, no-store");
      expect(JSON.stringify([...picture.headers])).not.toMatch(/secret-|users\/|amz/);
    }
  });

  it("lays the pictures out in justified rows, each in its own shape, under the page's style hash", async () => {
    const { share } = await sharedAlbum();
    const res = await visit(share.url);
    const html = await res.text();
    const style = /<style>(.*?)<\/style>/.exec(html)?.[1] ?? "";
    expect(style).toContain(".pictures{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap");
    // 30×20 and 20×30: a landscape and a portrait, never squares.
    const shapes = [...style.matchAll(/\.pictures li:nth-child\((\d)\)\{--r:([\d.]+)\}/g)].map((m) => [Number(m[1]), m[2]]);
    expect(shapes.map(([n]) => n)).toEqual([1, 2]);
    expect(shapes.map(([, r]) => r).sort()).toEqual(["0.6667", "1.5000"]);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(style)));
    expect(res.headers.get("content-security-policy")).toContain(`style-src 'sha256-${btoa(String.fromCharCode(...digest))}'`);
  });

  it("counts one view for the page, however many pictures it loads", async () => {
    const { owner, album, share } = await sharedAlbum({ expires_in: 3600, max_views: 1 });
    const html = await (await visit(share.url)).text();
    for (const url of [...thumbs(html), ...links(html)]) expect((await fetchPath(url)).status).toBe(200);
    expect((await visit(share.url)).status).toBe(404);
    const list = await app(`/albums/${album.id}/shares`, { headers: bearer(owner.accessToken) });
    expect((await list.json<{ shares: ShareBody[] }>()).shares).toMatchObject([{ id: share.id, views: 1, max_views: 1 }]);
  });

  it("never reaches an image outside the album, nor through an image link or a forged ticket", async () => {
    const { outside, share, inside } = await sharedAlbum();
    const first = new URL(links(await (await visit(share.url)).text())[0]);
    const ticket = first.searchParams.get("ticket") ?? "";
    const base = new URL(share.url).pathname;
    const attempts = [
      `${base}/images/${outside.id}?ticket=${ticket}`,
      `${base}/images/${outside.id}?size=thumb&ticket=${ticket}`,
      `${base}/image?ticket=${ticket}`,
      `${base}/images/not-a-uuid?ticket=${ticket}`,
      `${first.pathname}`,
      `${first.pathname}?ticket=${ticket.slice(0, -2)}${ticket.endsWith("AA") ? "BB" : "AA"}`,
    ];
    const other = await sharedAlbum();
    attempts.push(`${new URL(other.share.url).pathname}/images/${inside[0].id}?ticket=${ticket}`);
    for (const path of attempts) {
      const res = await app(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).not.toMatch(/^image\//);
    }
  });

  it("drops an image from the page and its picture URL once removed from the album or deleted", async () => {
    const { owner, album, inside, share } = await sharedAlbum();
    const html = await (await visit(share.url)).text();
    const urls = links(html);
    await app(`/albums/${album.id}/images`, json({ ids: [inside[0].id] }, { method: "DELETE", headers: bearer(owner.accessToken) }));
    await app(`/images/${inside[1].id}`, { method: "DELETE", headers: bearer(owner.accessToken) });
    const statuses = await Promise.all(urls.map(async (url) => (await fetchPath(url)).status));
    expect(statuses).toEqual([404, 404]);
    const after = await (await visit(share.url)).text();
    expect(thumbs(after)).toEqual([]);
    expect(after).toContain("0 pictures.");
  });

  it("never serves an original that kept its metadata: the renditions, or nothing", async () => {
    const owner = await newSignedInUser();
    const form = new FormData();
    form.append("image", new File([heicPhoto()], "kept.heic"));
    form.append("keep_metadata", "true");
    const res = await app("/images/upload", { method: "POST", headers: bearer(owner.accessToken), body: form });
    expect(res.status).toBe(201);
    const heic = (await res.json<{ image: ImageBody }>()).image;
    expect(heic.metadata_status).toBe("kept");
    await renditionsReach(owner.accessToken, heic.id, ["unsupported"]);
    const album = await albumOf(owner, "Kept", [heic]);
    const share = await shareAlbum(owner, album.id);
    const html = await (await visit(share.url)).text();
    expect(thumbs(html)).toEqual([]);
    const ticket = /ticket=([^"&]+)/.exec(html)?.[1] ?? "";
    expect((await app(`${new URL(share.url).pathname}/images/${heic.id}?ticket=${ticket}`)).status).toBe(404);
  });

  it("answers like an image link once revoked, expired or at its view limit", async () => {
    const unavailable = async (url: string) => {
      const res = await visit(url);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain("This link has expired, reached its view limit or was revoked.");
    };
    const revoked = await sharedAlbum();
    const del = await app(`/albums/${revoked.album.id}/shares/${revoked.share.id}`, { method: "DELETE", headers: bearer(revoked.owner.accessToken) });
    expect(del.status).toBe(204);
    await unavailable(revoked.share.url);
    const list = await app(`/albums/${revoked.album.id}/shares`, { headers: bearer(revoked.owner.accessToken) });
    expect((await list.json<{ shares: ShareBody[] }>()).shares).toMatchObject([{ id: revoked.share.id, revoked: true }]);

    const expired = await sharedAlbum();
    const urls = links(await (await visit(expired.share.url)).text());
    await testDb().update(shares).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(shares.id, expired.share.id));
    await unavailable(expired.share.url);
    expect((await fetchPath(urls[0])).status).toBe(404);

    const limited = await sharedAlbum({ expires_in: 3600, max_views: 2 });
    expect((await visit(limited.share.url)).status).toBe(200);
    expect((await visit(limited.share.url)).status).toBe(200);
    await unavailable(limited.share.url);
  });

  it("counts no view for a HEAD: a one-view link still opens after it", async () => {
    const { share } = await sharedAlbum({ expires_in: 3600, max_views: 1 });
    const head = () => app(new URL(share.url).pathname, { method: "HEAD" });
    for (let i = 0; i < 3; i++) expect((await head()).status).toBe(200);
    expect((await visit(share.url)).status).toBe(200);
    expect((await head()).status).toBe(404);
  });

  it("disappears with its album", async () => {
    const { owner, album, share } = await sharedAlbum();
    expect((await app(`/albums/${album.id}`, { method: "DELETE", headers: bearer(owner.accessToken) })).status).toBe(204);
    expect((await visit(share.url)).status).toBe(404);
    expect(await testDb().select().from(shares).where(eq(shares.id, share.id))).toEqual([]);
  });

  it("only the owner can create, list or revoke an album's links; an image's share id is not an album's", async () => {
    const { owner, album, share, inside } = await sharedAlbum();
    const other = await newSignedInUser();
    const asOther = bearer(other.accessToken);
    for (const res of [
      await app(`/albums/${album.id}/shares`, json({ expires_in: 60 }, { headers: asOther })),
      await app(`/albums/${album.id}/shares`, { headers: asOther }),
      await app(`/albums/${album.id}/shares/${share.id}`, { method: "DELETE", headers: asOther }),
    ]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: "album_not_found" });
    }
    const imageShare = await (await app(`/images/${inside[0].id}/shares`, json({ expires_in: 60 }, { headers: bearer(owner.accessToken) }))).json<ShareBody>();
    const crossed = await app(`/albums/${album.id}/shares/${imageShare.id}`, { method: "DELETE", headers: bearer(owner.accessToken) });
    expect(crossed.status).toBe(404);
    expect(await crossed.json()).toMatchObject({ code: "share_not_found" });
    const imageLinks = await app(`/images/${inside[0].id}/shares`, { headers: bearer(owner.accessToken) });
    expect((await imageLinks.json<{ shares: ShareBody[] }>()).shares).toMatchObject([{ id: imageShare.id, revoked: false }]);
    expect((await visit(share.url)).status).toBe(200);
  });

  it.each([[{ expires_in: 10 }], [{ expires_in: 31 * 86400 }], [{ expires_in: 60, max_views: 0 }], [{}]])("refuses %j with 400", async (body) => {
    const owner = await newSignedInUser();
    const album = await albumOf(owner, "Empty", []);
    const res = await app(`/albums/${album.id}/shares`, json(body, { headers: bearer(owner.accessToken) }));
    expect(res.status).toBe(400);
  });

  it("shows an empty album as empty", async () => {
    const owner = await newSignedInUser();
    const album = await albumOf(owner, "Nothing yet", []);
    const html = await (await visit((await shareAlbum(owner, album.id)).url)).text();
    expect(html).toContain("This album has no pictures to show.");
  });
});
