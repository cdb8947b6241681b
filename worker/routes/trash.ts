import { Hono } from "./hono-app";
import * as v from "valibot";
import type { AppEnv } from "../app-env";
import { summarise } from "../lib/item-results";
import { requireUser } from "../middleware/auth";
import { jsonBody } from "../middleware/json-body";
import { validate } from "../middleware/validate";
import { toImageView } from "../services/image-view";
import { deleteForever, emptyTrash, listTrash, restoreImage, restoreImages } from "../services/trash";
import { idsInput, pageQuery } from "./collection-input";

/** The trash: what DELETE /images/:id (and a bulk delete) moved there, until restored or purged. */
export const trashRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/", validate("query", v.object(pageQuery)), async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = await listTrash(c.var.deps, c.var.user.id, { limit, cursor });
    return c.json({ images: page.images, next_cursor: page.nextCursor }, 200);
  })
  .post("/restore", jsonBody(), validate("json", idsInput), async (c) => {
    return c.json(summarise(await restoreImages(c.var.deps, c.var.user.id, c.req.valid("json").ids)), 200);
  })
  .post("/:id/restore", async (c) => {
    const image = await restoreImage(c.var.deps, c.var.user.id, c.req.param("id"));
    return c.json(await toImageView(c.var.deps, image), 200);
  })
  .delete("/", async (c) => c.json({ deleted: await emptyTrash(c.var.deps, c.var.user.id) }, 200))
  .delete("/:id", async (c) => {
    await deleteForever(c.var.deps, c.var.user.id, c.req.param("id"));
    return c.body(null, 204);
  });
