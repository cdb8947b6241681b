import { env } from "cloudflare:workers";
import { inspectRoutes } from "hono/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes } from "../../index";
import { issueAccessToken } from "../../services/tokens";
import { app, bearer, json, newSignedInUser, type SignedIn } from "../helpers";
import { storedObjects, uploadOk } from "../image-helpers";
import { makePng } from "../images";

/**
 * Who may call each route. `public`: no token needed. `self`: a signed-in user, acting on
 * their own account only (nothing in the request names another user's data). `image`: a
 * signed-in user, and the path names an image, so another user's token must get 404.
 * `album`: the same for a path naming an album (404 album_not_found). `images`: the body names
 * images; another user's token gets per-image image_not_found (or 404) and changes nothing.
 * `upload`: the path names a direct upload (its key and upload id); another user's token gets
 * 404 upload_not_found. `capability`: no bearer token; the upload capability in the path is the
 * credential, and a forged one is 401 invalid_capability.
 * A route added to the app without a row here fails the first test.
 */
type Access = "public" | "self" | "image" | "album" | "images" | "upload" | "capability";

const expectations: Record<string, { access: Access; body?: unknown; answers?: number }> = {
  "GET /healthz": { access: "public" },
  "GET /healthz/live": { access: "public" },
  "POST /auth/register": { access: "public" },
  "POST /auth/login": { access: "public" },
  "POST /auth/refresh": { access: "public" },
  "POST /auth/logout": { access: "public" },
  "GET /s/:token": { access: "public" }, // the share token itself is the capability
  "GET /s/:token/image": { access: "public" }, // the share token and a page view's ticket
  "GET /s/:token/images/:imageId": { access: "public" }, // an album link's token and ticket; only the album's images
  "GET /*": { access: "public" }, // the SPA
  "GET /auth/me": { access: "self" },
  "PATCH /auth/me": { access: "self", body: {} },
  "GET /auth/me/export": { access: "self" },
  "POST /auth/password": { access: "self", body: { current_password: "not the password", new_password: "another long passphrase" } },
  "DELETE /auth/me": { access: "self", body: { password: "not the password" } },
  "POST /images/upload": { access: "self" },
  "GET /images": { access: "self" },
  "GET /images/timeline": { access: "self" },
  "POST /images/bulk": { access: "images", body: { action: "delete", ids: ["<image>"] } },
  "POST /images/download": { access: "images", body: { ids: ["<image>"] } },
  "GET /images/analyze/:id": { access: "image" },
  "POST /images/:id/analyze": { access: "image" },
  "PATCH /images/:id": { access: "image", body: { description: "mine now" } },
  "POST /images/:id/shares": { access: "image", body: { expires_in: 3600 } },
  "GET /images/:id/shares": { access: "image" },
  "DELETE /images/:id/shares/:shareId": { access: "image" },
  "GET /images/:id": { access: "image" },
  "GET /images/:id/file": { access: "image" },
  "DELETE /images/:id": { access: "image" },
  // The trash (routes/trash.ts): the owner's image is in the library, so only a trashed one of the caller's own could match.
  "GET /trash": { access: "self" },
  "DELETE /trash": { access: "self" },
  "POST /trash/restore": { access: "images", body: { ids: ["<image>"] } },
  "POST /trash/:id/restore": { access: "image" },
  "DELETE /trash/:id": { access: "image" },
  // The original system's contract (routes/legacy.ts).
  "POST /api/v2/auth/register": { access: "public" },
  "POST /api/v2/auth/login": { access: "public" },
  "POST /api/v2/images/upload": { access: "self" },
  "GET /api/v2/images/list": { access: "self" },
  "GET /albums": { access: "self" },
  "POST /albums": { access: "self", body: { name: "another album" } },
  "GET /albums/:id": { access: "album" },
  "PATCH /albums/:id": { access: "album", body: { name: "mine now" } },
  "DELETE /albums/:id": { access: "album" },
  "GET /albums/:id/images": { access: "album" },
  "POST /albums/:id/images": { access: "album", body: { ids: ["<image>"] } },
  "DELETE /albums/:id/images": { access: "album", body: { ids: ["<image>"] } },
  "POST /albums/:id/shares": { access: "album", body: { expires_in: 3600 } },
  "GET /albums/:id/shares": { access: "album" },
  "DELETE /albums/:id/shares/:shareId": { access: "album" },
  // Direct uploads (routes/uploads.ts): Companion's S3 routes, with the bearer token or under a capability.
  "POST /uploads/capability": { access: "self" },
  "GET /uploads/:id": { access: "upload" },
  "GET /uploads/s3/params": { access: "self", answers: 400 }, // multipart_only, to everyone
  "POST /uploads/s3/multipart": { access: "self", body: { filename: "x.png", type: "image/png" } },
  "GET /uploads/s3/multipart/:uploadId/:partNumber": { access: "upload" },
  "GET /uploads/s3/multipart/:uploadId": { access: "upload" },
  "POST /uploads/s3/multipart/:uploadId/complete": { access: "upload", body: { parts: [{ PartNumber: 1, ETag: '"x"' }] } },
  "DELETE /uploads/s3/multipart/:uploadId": { access: "upload" },
  "GET /uploads/c/:capability/s3/params": { access: "capability" },
  "POST /uploads/c/:capability/s3/multipart": { access: "capability", body: { filename: "x.png", type: "image/png" } },
  "GET /uploads/c/:capability/s3/multipart/:uploadId/:partNumber": { access: "capability" },
  "GET /uploads/c/:capability/s3/multipart/:uploadId": { access: "capability" },
  "POST /uploads/c/:capability/s3/multipart/:uploadId/complete": { access: "capability", body: { parts: [{ PartNumber: 1, ETag: '"x"' }] } },
  "DELETE /uploads/c/:capability/s3/multipart/:uploadId": { access: "capability" },
};

const routeTable = [...new Set(inspectRoutes(routes).filter((r) => !r.isMiddleware).map((r) => `${r.method} ${r.path}`))];
const protectedRoutes = routeTable.filter((route) => expectations[route] && !["public", "capability"].includes(expectations[route].access));

describe("authorisation matrix, generated from the app's route table", () => {
  let owner: SignedIn;
  let other: SignedIn;
  let imageId: string;
  let shareId: string;
  let shareToken: string;
  let albumId: string;
  let albumShareId: string;
  let upload: { key: string; uploadId: string };
  const tokens: Record<string, () => string | undefined> = {};

  beforeAll(async () => {
    [owner, other] = await Promise.all([newSignedInUser(), newSignedInUser()]);
    const deleted = await newSignedInUser();
    imageId = (await uploadOk(owner.accessToken, { bytes: await makePng(8, 8, [200, 10, 10]) })).id;
    const share = await (await app(`/images/${imageId}/shares`, json({ expires_in: 3600 }, { headers: bearer(owner.accessToken) }))).json<{ id: string; url: string }>();
    [shareId, shareToken] = [share.id, share.url.split("/s/")[1]];
    albumId = (await (await app("/albums", json({ name: "the owner's album" }, { headers: bearer(owner.accessToken) }))).json<{ id: string }>()).id;
    await app(`/albums/${albumId}/images`, json({ ids: [imageId] }, { headers: bearer(owner.accessToken) }));
    albumShareId = (await (await app(`/albums/${albumId}/shares`, json({ expires_in: 3600 }, { headers: bearer(owner.accessToken) }))).json<{ id: string }>()).id;
    upload = await (await app("/uploads/s3/multipart", json({ filename: "mine.png", type: "image/png" }, { headers: bearer(owner.accessToken) }))).json();
    const gone = await app("/auth/me", json({ password: deleted.user.password }, { method: "DELETE", headers: bearer(deleted.accessToken) }));
    expect(gone.status).toBe(204);
    const holder = { userId: owner.user.id, sessionId: crypto.randomUUID(), tokenVersion: 0 };
    const expired = await issueAccessToken(env.JWT_SECRET_KEY!, holder, Date.now() - 60 * 60 * 1000);
    Object.assign(tokens, {
      "no token": () => undefined,
      "a deleted user's token": () => deleted.accessToken,
      "an expired token": () => expired,
      "a refresh token used as an access token": () => owner.refreshToken,
    });
  });

  function call(route: string, token: string | undefined) {
    const [method, template] = route.split(" ");
    const onAlbum = template.startsWith("/albums/");
    const onUpload = template.startsWith("/uploads/");
    const path = `${template
      .replace(":capability", "not-a-capability")
      .replace(":uploadId", encodeURIComponent(upload.uploadId))
      .replace(":partNumber", "1")
      .replace(":id", onUpload ? (upload.key.split("/").at(-1) ?? "") : onAlbum ? albumId : imageId)
      .replace(":shareId", onAlbum ? albumShareId : shareId)
      .replace(":token", shareToken)
      .replace(":imageId", imageId)
      .replace("*", "gallery")}${template.includes(":uploadId") ? `?${new URLSearchParams({ key: upload.key })}` : ""}`;
    const body = withIds(expectations[route]?.body);
    const headers: Record<string, string> = token ? bearer(token) : {};
    if (route.endsWith("/images/upload")) {
      const form = new FormData();
      form.append("image", new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "x.png"));
      return app(path, { method, headers, body: form });
    }
    if (body !== undefined) return app(path, json(body, { method, headers }));
    return app(path, { method, headers, redirect: "manual" });
  }

  /** Bodies name the owner's image as "<image>": known only once it is uploaded. */
  const withIds = (body: unknown) => (body === undefined ? undefined : JSON.parse(JSON.stringify(body).replaceAll("<image>", imageId)));

  it("has an expectation for every route, and a route for every expectation", () => {
    expect(routeTable.filter((route) => !(route in expectations)), "routes without a row in the table").toEqual([]);
    expect(Object.keys(expectations).filter((route) => !routeTable.includes(route)), "rows for routes that are gone").toEqual([]);
  });

  const tokenCases = ["no token", "a deleted user's token", "an expired token", "a refresh token used as an access token"];
  it.each(protectedRoutes.flatMap((route) => tokenCases.map((tokenCase) => [route, tokenCase])))("%s with %s: 401 JSON with a Bearer challenge", async (route, tokenCase) => {
    const res = await call(route, tokens[tokenCase]());
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({ code: expect.stringMatching(/^(unauthorized|invalid_token|token_expired)$/), message: expect.any(String) });
  });

  it.each(protectedRoutes.filter((route) => expectations[route].access === "image"))("%s with another user's token: 404, and the owner's image is untouched", async (route) => {
    const res = await call(route, other.accessToken);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "image_not_found" });
    const mine = await app(`/images/${imageId}`, { headers: bearer(owner.accessToken) });
    expect(mine.status).toBe(200);
    expect(await mine.json()).not.toMatchObject({ description: "mine now" });
    const shares = await (await app(`/images/${imageId}/shares`, { headers: bearer(owner.accessToken) })).json<{ shares: { id: string; revoked: boolean }[] }>();
    expect(shares.shares).toEqual([expect.objectContaining({ id: shareId, revoked: false })]);
  });

  it.each(protectedRoutes.filter((route) => expectations[route].access === "album"))("%s with another user's token: 404 album_not_found, and the owner's album is untouched", async (route) => {
    const res = await call(route, other.accessToken);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "album_not_found" });
    const mine = await app(`/albums/${albumId}`, { headers: bearer(owner.accessToken) });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ name: "the owner's album", image_count: 1, cover: { id: imageId } });
    const links = await (await app(`/albums/${albumId}/shares`, { headers: bearer(owner.accessToken) })).json<{ shares: { id: string; revoked: boolean }[] }>();
    expect(links.shares).toEqual([expect.objectContaining({ id: albumShareId, revoked: false })]);
  });

  it.each(protectedRoutes.filter((route) => expectations[route].access === "images"))("%s with another user's token naming the owner's image: image_not_found, and the image is untouched", async (route) => {
    const res = await call(route, other.accessToken);
    const body = await res.json<{ code?: string; results?: { status: string; code: string }[] }>();
    if (res.status === 200) expect(body.results).toEqual([expect.objectContaining({ status: "failed", code: "image_not_found" })]);
    else expect([res.status, body.code]).toEqual([404, "image_not_found"]);
    expect((await app(`/images/${imageId}`, { headers: bearer(owner.accessToken) })).status).toBe(200);
  });

  it.each(protectedRoutes.filter((route) => expectations[route].access === "upload"))("%s with another user's token: 404 upload_not_found, and the owner's upload is untouched", async (route) => {
    const res = await call(route, other.accessToken);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "upload_not_found" });
    const parts = await app(`/uploads/s3/multipart/${encodeURIComponent(upload.uploadId)}?${new URLSearchParams({ key: upload.key })}`, { headers: bearer(owner.accessToken) });
    expect(parts.status).toBe(200);
  });

  it.each(routeTable.filter((route) => expectations[route]?.access === "capability"))("%s with a forged capability: 401 invalid_capability, bearer token or not", async (route) => {
    for (const token of [undefined, owner.accessToken]) {
      const res = await call(route, token);
      expect(res.status).toBe(401);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toMatchObject({ code: "invalid_capability" });
    }
  });

  it.each(protectedRoutes.filter((route) => expectations[route].access === "self" && route.startsWith("GET ")))("%s with another user's token shows only that user's data", async (route) => {
    const res = await call(route, other.accessToken);
    expect(res.status).toBe(expectations[route].answers ?? 200);
    const text = await res.text();
    for (const secret of [owner.user.id, owner.user.email, imageId]) expect(text).not.toContain(secret);
  });

  // Another user's token: every route answers as it would a signed-in caller, and changes nothing of the owner's.
  it.each(protectedRoutes)("%s answered to a signed-in user: Cache-Control no-store, whatever the status", async (route) => {
    const res = await call(route, other.accessToken);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("cache-control")).toBe("no-store");
    await res.body?.cancel();
  });

  it.each(routeTable.filter((route) => expectations[route]?.access === "public"))("%s answers without an access token (never asks for one)", async (route) => {
    const res = await call(route, undefined);
    expect(res.status).toBeLessThan(500);
    // /auth/refresh without a refresh token is 204 (no session to refresh); a 401 would be invalid_refresh_token, never a missing access token.
    if (res.status === 401) expect(await res.json()).toMatchObject({ code: "invalid_refresh_token" });
  });

  // After whichever of the calls above ran, in whatever order.
  afterAll(async () => {
    expect(await storedObjects(`users/${owner.user.id}/`), "the owner's object is still in place").toHaveLength(1);
  });
});
