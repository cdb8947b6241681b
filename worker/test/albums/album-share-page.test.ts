import { describe, expect, it } from "vitest";
import { app, bearer, json } from "../helpers";
import { fetchPath, links, sharedAlbum, thumbs, visit } from "./album-share-helpers";

const meta = (html: string, key: string) => (new RegExp(`<meta (?:property|name)="${key}" content="([^"]+)">`).exec(html)?.[1] ?? "").replaceAll("&amp;", "&");
const scripts = (html: string) => [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].map(([, attributes, body]) => ({ attributes, body }));
const idIn = (url: string) => new URL(url).pathname.split("/").pop();

describe("album share page", () => {
  it("runs the app's own viewer module from this origin, under a CSP with no inline script and no style attributes", async () => {
    const { share } = await sharedAlbum();
    const res = await visit(share.url);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    const html = await res.text();
    expect(scripts(html)).toEqual([{ attributes: ' type="module" src="/share-viewer.js"', body: "" }]);
    expect(html).not.toMatch(/\sstyle=|\son\w+=/);
    expect(html).toContain('<dialog class="viewer"');

    const script = await app("/share-viewer.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/^(text|application)\/javascript/);
    const code = await script.text();
    // Tiny and on its own: no import of the app (Solid, the API client), nothing fetched but the page's pictures.
    expect(code.length).toBeLessThan(6 * 1024);
    expect(code).not.toMatch(/\bimport\b|fetch\(|XMLHttpRequest|innerHTML|\.style\b/);
  });

  it("names the owner nowhere: not in the page, its script or the pictures' headers", async () => {
    const { owner, share } = await sharedAlbum();
    const html = await (await visit(share.url)).text();
    const code = await (await app("/share-viewer.js")).text();
    for (const text of [html, code]) {
      for (const secret of [owner.user.id, owner.user.username, owner.user.email, "secret-", "users/", "X-Amz-"]) expect(text).not.toContain(secret);
    }
    for (const url of [...thumbs(html), ...links(html), meta(html, "og:image")]) {
      const picture = await fetchPath(url);
      expect(picture.status).toBe(200);
      expect(JSON.stringify([...picture.headers])).not.toContain(owner.user.username);
    }
  });

  it("previews the link with the album's chosen cover, else its first picture", async () => {
    const { owner, album, inside, share } = await sharedAlbum({ expires_in: 3600, max_views: 10 });
    const before = await (await visit(share.url)).text();
    const first = idIn(links(before)[0]);
    expect(idIn(meta(before, "og:image"))).toBe(first);

    const cover = inside.find((image) => image.id !== first)!;
    const patched = await app(`/albums/${album.id}`, json({ cover_image_id: cover.id }, { method: "PATCH", headers: bearer(owner.accessToken) }));
    expect(patched.status).toBe(200);
    const covered = await (await visit(share.url)).text();
    expect(idIn(links(covered)[0])).toBe(first);
    expect(idIn(meta(covered, "og:image"))).toBe(cover.id);
    expect(meta(covered, "twitter:image")).toBe(meta(covered, "og:image"));
    expect(links(covered)).toContain(meta(covered, "og:image"));
    const preview = await fetchPath(meta(covered, "og:image"));
    expect(preview.status).toBe(200);
    expect(preview.headers.get("content-type")).toMatch(/^image\//);

    // A cover taken out of the album is no longer its preview.
    await app(`/albums/${album.id}/images`, json({ ids: [cover.id] }, { method: "DELETE", headers: bearer(owner.accessToken) }));
    expect(idIn(meta(await (await visit(share.url)).text(), "og:image"))).toBe(first);
  });

  it("names the app's icon, which this origin serves, so the console logs no missing favicon", async () => {
    const { share } = await sharedAlbum();
    const html = await (await visit(share.url)).text();
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    const icon = await app("/favicon.svg");
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
  });

  it("tells the viewer how long the pictures' ticket lasts, so it stops loading and offers a reload before they are refused", async () => {
    const { share } = await sharedAlbum();
    const html = await (await visit(share.url)).text();
    const seconds = Number(/data-ticket-seconds="(\d+)"/.exec(html)?.[1]);
    const expiresAt = Number(/ticket=(\d+)\./.exec(html)?.[1]);
    expect(seconds).toBeGreaterThan(60);
    expect(Math.abs(expiresAt - (Date.now() / 1000 + seconds))).toBeLessThan(30);
    expect(html).toMatch(/<p class="notice" hidden>[^<]*run out[^<]*<button type="button" class="reload">Reload<\/button><\/p>/);
  });
});
