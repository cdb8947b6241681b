import { Hono } from "./hono-app";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { summarise } from "../lib/item-results";
import { requireUser } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { validate } from "../middleware/validate";
import { addImagesToAlbum, removeImagesFromAlbum } from "../services/album-images";
import { toAlbumView, toAlbumViews } from "../services/album-view";
import { createAlbum, deleteAlbum, getOwnAlbum, listAlbums, updateAlbum } from "../services/albums";
import { listImages } from "../services/image-queries";
import { toImageView } from "../services/image-view";
import { createShare, listShares, revokeShare } from "../services/shares";
import { displayName, fromQuery, idsInput, pageQuery } from "./collection-input";
import { shareInput } from "./share-input";

const albumInput = v.strictObject({ name: displayName }, "only name is accepted");
const albumPatch = v.strictObject(
  {
    name: v.optional(displayName),
    cover_image_id: v.optional(v.nullable(v.pipe(v.string("must be an image id or null"), v.maxLength(64, "must be an image id or null")))),
  },
  "only name and cover_image_id can be changed",
);

/** The owner's albums: every route is owner-scoped; another user's album is 404 album_not_found. */
export const albumRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", validate("query", v.object(pageQuery)), async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listAlbums(c.var.deps, c.var.user.id, { limit, cursor });
    return c.json({ albums: await toAlbumViews(c.var.deps, c.var.user.id, page.albums), next_cursor: page.nextCursor }, 200);
  })
  .post("/", jsonBody(), validate("json", albumInput), async (c) => {
    const album = await createAlbum(c.var.deps, c.var.user.id, c.req.valid("json"));
    return c.json(await toAlbumView(c.var.deps, c.var.user.id, album), 201);
  })
  .get("/:id", async (c) => {
    const album = await getOwnAlbum(c.var.deps, c.var.user.id, c.req.param("id"));
    return c.json(await toAlbumView(c.var.deps, c.var.user.id, album), 200);
  })
  .patch("/:id", jsonBody(), validate("json", albumPatch), async (c) => {
    const album = await updateAlbum(c.var.deps, c.var.user.id, c.req.param("id"), c.req.valid("json"));
    return c.json(await toAlbumView(c.var.deps, c.var.user.id, album), 200);
  })
  .delete("/:id", async (c) => {
    await deleteAlbum(c.var.deps, c.var.user.id, c.req.param("id"));
    return c.body(null, 204);
  })
  .get("/:id/images", validate("query", v.object({ ...pageQuery, from: fromQuery })), async (c) => {
    const album = await getOwnAlbum(c.var.deps, c.var.user.id, c.req.param("id"));
    const page = await listImages(c.var.deps, c.var.user.id, { ...c.req.valid("query"), albumId: album.id });
    const views = await Promise.all(page.images.map((image) => toImageView(c.var.deps, image)));
    return c.json({ images: views, next_cursor: page.nextCursor }, 200);
  })
  .post("/:id/images", jsonBody(), validate("json", idsInput), async (c) => {
    const results = await addImagesToAlbum(c.var.deps, c.var.user.id, c.req.param("id"), c.req.valid("json").ids);
    return c.json(summarise(results), 200);
  })
  .delete("/:id/images", jsonBody(), validate("json", idsInput), async (c) => {
    const results = await removeImagesFromAlbum(c.var.deps, c.var.user.id, c.req.param("id"), c.req.valid("json").ids);
    return c.json(summarise(results), 200);
  })
  /** Album links: the same rules as image links (expiry, view limit, revocation); they open at /s/:token. */
  .post("/:id/shares", jsonBody(), validate("json", shareInput), async (c) => {
    const share = await createShare(c.var.deps, c.var.user.id, { kind: "album", id: c.req.param("id") }, c.req.valid("json"), new URL(c.req.url).origin);
    return c.json(share, 201);
  })
  .get("/:id/shares", async (c) => c.json({ shares: await listShares(c.var.deps, c.var.user.id, { kind: "album", id: c.req.param("id") }, new URL(c.req.url).origin) }, 200))
  .delete("/:id/shares/:shareId", async (c) => {
    await revokeShare(c.var.deps, c.var.user.id, { kind: "album", id: c.req.param("id") }, c.req.param("shareId"));
    return c.body(null, 204);
  });
