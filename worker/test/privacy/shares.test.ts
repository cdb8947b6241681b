import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { shares } from "../../db/schema";
import { app, bearer, json, newSignedInUser, testDb, testDeps } from "../helpers";
import { sha256Hex, uploadOk } from "../image-helpers";
import { makePng } from "../images";
import { quadrantPng, renditionsReach } from "../rendition-helpers";

const olive: [number, number, number] = [128, 128, 0];

interface ShareBody {
  id: string;
  url: string;
  expires_at: string;
  max_views: number | null;
  views: number;
}

async function sharedImage(body: Record<string, unknown> = { expires_in: 3600 }) {
  const owner = await newSignedInUser();
  const image = await uploadOk(owner.accessToken, { bytes: await makePng(30, 20, olive), name: "secret-name.png" });
  const res = await app(`/images/${image.id}/shares`, json(body, { headers: bearer(owner.accessToken) }));
  expect(res.status).toBe(201);
  return { owner, image, share: await res.json<ShareBody>() };
}

const visit = (url: string) => app(new URL(url).pathname);
const fetchImage = (url: string) => app(new URL(url).pathname + new URL(url).search);

const ogImage = (html: string) => (/<meta property="og:image" content="([^"]+)">/.exec(html)?.[1] ?? "").replaceAll("&amp;", "&");
const imgSrc = (html: string) => (/<img src="([^"]+)"/.exec(html)?.[1] ?? "").replaceAll("&amp;", "&");

describe("share links", () => {
  it("creates a link that shows the image without an account, with Open Graph tags", async () => {
    const { owner, image, share } = await sharedImage({ expires_in: 3600, max_views: 5 });
    expect(share).toMatchObject({ url: expect.stringMatching(/\/s\/[\w-]{43}$/), max_views: 5, views: 0 });
    expect(Date.parse(share.expires_at) - Date.now()).toBeGreaterThan(3500_000);

    const res = await visit(share.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("content-security-policy")).toContain("img-src 'self'");
    const html = await res.text();
    for (const secret of [owner.user.id, owner.user.username, owner.user.email, "secret-name", "users/", "X-Amz-", image.id]) {
      expect(html).not.toContain(secret);
    }
    const og = ogImage(html);
    expect(og.startsWith(`${share.url}/image?`)).toBe(true);
    expect(imgSrc(html)).toBe(og);

    const picture = await app(new URL(og).pathname + new URL(og).search);
    expect(picture.status).toBe(200);
    // The display rendition once made (the renditions run beside the request and may win the race), else the stripped original.
    const type = picture.headers.get("content-type");
    expect(["image/png", "image/webp"]).toContain(type);
    expect(picture.headers.get("cache-control")).toBe("private, no-store");
    expect(picture.headers.get("x-content-type-options")).toBe("nosniff");
    const headers = JSON.stringify([...picture.headers]);
    for (const secret of [owner.user.id, "secret-name", "users/", "amz"]) expect(headers).not.toContain(secret);
    if (type === "image/png") expect(await sha256Hex(new Uint8Array(await picture.arrayBuffer()))).toBe(image.sha256);
  });

  it("names the app's icon and runs no script: an image link's page logs no missing favicon", async () => {
    const { share } = await sharedImage();
    const res = await visit(share.url);
    expect(res.headers.get("content-security-policy")).not.toContain("script-src");
    const html = await res.text();
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    expect(html).not.toContain("<script");
    expect((await app("/favicon.svg")).status).toBe(200);
  });

  it("serves the page's image through the link, counted with the page: a preview fetching both is one view", async () => {
    const { owner, image, share } = await sharedImage({ expires_in: 3600, max_views: 2 });
    const og = ogImage(await (await visit(share.url)).text());
    for (let i = 0; i < 3; i++) expect((await fetchImage(og)).status).toBe(200);
    const list = await app(`/images/${image.id}/shares`, { headers: bearer(owner.accessToken) });
    expect((await list.json<{ shares: ShareBody[] }>()).shares).toMatchObject([{ id: share.id, views: 1 }]);
  });

  it("stops serving the image as soon as the link is revoked or expires", async () => {
    const { owner, image, share } = await sharedImage();
    const og = ogImage(await (await visit(share.url)).text());
    expect((await fetchImage(og)).status).toBe(200);
    await app(`/images/${image.id}/shares/${share.id}`, { method: "DELETE", headers: bearer(owner.accessToken) });
    expect((await fetchImage(og)).status).toBe(404);

    const other = await sharedImage();
    const otherOg = ogImage(await (await visit(other.share.url)).text());
    await testDb().update(shares).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(shares.id, other.share.id));
    expect((await fetchImage(otherOg)).status).toBe(404);
  });

  it("after the last view, no new page and no image beyond that view's own short ticket", async () => {
    const { share } = await sharedImage({ expires_in: 3600, max_views: 1 });
    const og = ogImage(await (await visit(share.url)).text());
    expect((await visit(share.url)).status).toBe(404);
    expect((await fetchImage(og)).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 3 * 60 * 1000);
      expect((await fetchImage(og)).status).toBe(404);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses the image without a ticket, with a forged one, or with another link's", async () => {
    const first = await sharedImage();
    const second = await sharedImage();
    const og = new URL(ogImage(await (await visit(first.share.url)).text()));
    const ticket = og.searchParams.get("ticket") ?? "";
    const attempts = [
      `${og.pathname}`,
      `${og.pathname}?ticket=`,
      `${og.pathname}?ticket=${ticket.slice(0, -2)}${ticket.endsWith("AA") ? "BB" : "AA"}`,
      `${og.pathname}?ticket=${ticket.replace(/^\d+/, (n) => String(Number(n) + 600))}`,
      `${new URL(second.share.url).pathname}/image?ticket=${ticket}`,
      `/s/${"a".repeat(43)}/image?ticket=${ticket}`,
    ];
    for (const path of attempts) {
      const res = await app(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).not.toMatch(/^image\//);
    }
    expect((await app(`${og.pathname}?ticket=${ticket}`)).status).toBe(200);
  });

  it("counts views exactly under concurrent access and stops at max_views", async () => {
    const { owner, image, share } = await sharedImage({ expires_in: 3600, max_views: 3 });
    const statuses = await Promise.all(Array.from({ length: 8 }, () => visit(share.url).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 404)).toHaveLength(5);
    const list = await app(`/images/${image.id}/shares`, { headers: bearer(owner.accessToken) });
    expect((await list.json<{ shares: ShareBody[] }>()).shares).toMatchObject([{ id: share.id, views: 3, max_views: 3 }]);
  });

  it("counts no view for a HEAD (a link checker, a mail scanner): a one-view link still opens after it, and a spent one answers HEAD 404", async () => {
    const { owner, image, share } = await sharedImage({ expires_in: 3600, max_views: 1 });
    const head = () => app(new URL(share.url).pathname, { method: "HEAD" });
    for (let i = 0; i < 3; i++) expect((await head()).status).toBe(200);
    const list = await app(`/images/${image.id}/shares`, { headers: bearer(owner.accessToken) });
    expect((await list.json<{ shares: ShareBody[] }>()).shares).toMatchObject([{ id: share.id, views: 0 }]);
    expect((await visit(share.url)).status).toBe(200);
    expect((await head()).status).toBe(404);
    expect((await visit(share.url)).status).toBe(404);
  });

  it("answers 404 once the link has expired", async () => {
    const { share } = await sharedImage();
    expect((await visit(share.url)).status).toBe(200);
    await testDb().update(shares).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(shares.id, share.id));
    const res = await visit(share.url);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("expired");
  });

  it("answers 404 once revoked", async () => {
    const { owner, image, share } = await sharedImage();
    const del = await app(`/images/${image.id}/shares/${share.id}`, { method: "DELETE", headers: bearer(owner.accessToken) });
    expect(del.status).toBe(204);
    expect((await visit(share.url)).status).toBe(404);
  });

  it("answers 404 for an unknown or malformed token", async () => {
    expect((await app(`/s/${"a".repeat(43)}`)).status).toBe(404);
    expect((await app("/s/<script>")).status).toBe(404);
  });

  it("stores only a hash of the token", async () => {
    const { share } = await sharedImage();
    const token = share.url.split("/s/")[1];
    const [row] = await testDb().select().from(shares).where(eq(shares.id, share.id));
    expect(row.tokenHash).not.toContain(token);
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("lists an open link with its URL again, to copy later, and a revoked or spent one without", async () => {
    const { owner, image, share } = await sharedImage({ expires_in: 3600, max_views: 1 });
    const open = await sharedImage();
    const listed = async (id: string, token: string) =>
      (await (await app(`/images/${id}/shares`, { headers: bearer(token) })).json<{ shares: ShareBody[] }>()).shares;
    expect((await listed(image.id, owner.accessToken))[0].url).toBe(share.url);
    expect((await visit(share.url)).status).toBe(200);
    expect((await listed(image.id, owner.accessToken))[0]).not.toHaveProperty("url");
    await app(`/images/${open.image.id}/shares/${open.share.id}`, { method: "DELETE", headers: bearer(open.owner.accessToken) });
    expect((await listed(open.image.id, open.owner.accessToken))[0]).not.toHaveProperty("url");
  });

  it("after the server's secret is rotated, an older link still opens but is listed without a URL it can no longer derive", async () => {
    const { owner, image, share } = await sharedImage();
    // A link whose token was not derived under today's secret: what rotation leaves behind.
    const token = "r".repeat(43);
    await testDb().update(shares).set({ tokenHash: await sha256Hex(new TextEncoder().encode(token)) }).where(eq(shares.id, share.id));
    const res = await app(`/images/${image.id}/shares`, { headers: bearer(owner.accessToken) });
    expect((await res.json<{ shares: ShareBody[] }>()).shares[0]).not.toHaveProperty("url");
    expect((await visit(`${new URL(share.url).origin}/s/${token}`)).status).toBe(200);
  });

  it.each([[{ expires_in: 10 }], [{ expires_in: 31 * 86400 }], [{ expires_in: 60, max_views: 0 }], [{}]])("refuses %j with 400", async (body) => {
    const owner = await newSignedInUser();
    const image = await uploadOk(owner.accessToken, { bytes: await makePng(8, 8, olive) });
    const res = await app(`/images/${image.id}/shares`, json(body, { headers: bearer(owner.accessToken) }));
    expect(res.status).toBe(400);
  });

  it("only the owner can create, list or revoke links", async () => {
    const { image, share } = await sharedImage();
    const other = await newSignedInUser();
    expect((await app(`/images/${image.id}/shares`, json({ expires_in: 60 }, { headers: bearer(other.accessToken) }))).status).toBe(404);
    expect((await app(`/images/${image.id}/shares`, { headers: bearer(other.accessToken) })).status).toBe(404);
    expect((await app(`/images/${image.id}/shares/${share.id}`, { method: "DELETE", headers: bearer(other.accessToken) })).status).toBe(404);
    expect((await visit(share.url)).status).toBe(200);
  });
});

describe("export", () => {
  it("streams the account's data and image records with fresh signed URLs, and nothing of other users", async () => {
    const { user, accessToken } = await newSignedInUser();
    const other = await newSignedInUser();
    const mine = [
      await uploadOk(accessToken, { bytes: await makePng(8, 8, olive), name: "one.png" }),
      await uploadOk(accessToken, { bytes: await makePng(8, 8, olive), name: "two.png" }),
    ];
    const theirs = await uploadOk(other.accessToken, { bytes: await makePng(8, 8, olive) });
    const res = await app("/auth/me/export", { headers: bearer(accessToken) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="image-service-export-\d{4}-\d{2}-\d{2}\.json"$/);
    const text = await res.text();
    const body = JSON.parse(text) as { user: { id: string; email: string }; settings: object; images: { id: string; file_name: string; file_url: string }[] };
    expect(body.user).toMatchObject({ id: user.id, email: user.email });
    expect(body.settings).toEqual({ keep_metadata: false, never_send_to_ai: false });
    expect(body.images.map((i) => i.id).sort()).toEqual(mine.map((i) => i.id).sort());
    expect(text).not.toContain(theirs.id);
    expect(text).not.toContain(other.user.email);
    expect(text).not.toContain("password");
    for (const image of body.images) expect((await fetch(image.file_url)).status).toBe(200);
  });

  it("signs every link it holds, thumb and display too, for FILE_URL_TTL from the export, as file_url_expires_at says", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await quadrantPng(120, 90) });
    await renditionsReach(accessToken, image.id, ["done"]);
    const before = Date.now();
    const res = await app("/auth/me/export", { headers: bearer(accessToken) });
    const { images } = await res.json<{ images: { file_url: string; file_url_expires_at: string; thumb_url: string; display_url: string }[] }>();
    const ttlMs = testDeps().config.FILE_URL_TTL * 1000;
    const [record] = images;
    expect(Date.parse(record.file_url_expires_at) - before).toBeLessThanOrEqual(ttlMs + 1000);
    for (const url of [record.file_url, record.thumb_url, record.display_url]) {
      const params = new URL(url).searchParams;
      const signedAt = Date.parse(params.get("X-Amz-Date")?.replace(/(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/, "$1-$2-$3T$4:$5:$6Z") ?? "");
      const expiresAt = signedAt + Number(params.get("X-Amz-Expires")) * 1000;
      expect(expiresAt, url).toBeLessThanOrEqual(Date.parse(record.file_url_expires_at) + 1000);
      expect(expiresAt - before, url).toBeGreaterThan(ttlMs - 5000);
      expect((await fetch(url)).status).toBe(200);
    }
  });

  it("needs a signed-in user", async () => {
    expect((await app("/auth/me/export")).status).toBe(401);
  });
});
