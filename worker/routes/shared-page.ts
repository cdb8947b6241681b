import { Hono } from "./hono-app";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/errors";
import { getObjectStream } from "../services/object-store";
import { shareObjectFor } from "../services/rendition-keys";
import { isShareOpenable, openShare, openSharedAlbumImage, openSharedImage } from "../services/shared-views";
import { albumPage, imagePage, openablePage, unavailablePage } from "./shared-page-html";

const linkUnavailable = () => new AppError(404, "share_not_found", "This link has expired, reached its view limit or was revoked");

/** A picture behind a link: never cached, never sniffed, nothing of its object key or owner in the headers. */
async function pictureResponse(c: { var: AppEnv["Variables"] }, shown: { key: string; contentType: string } | undefined) {
  if (!shown) throw linkUnavailable();
  const object = await getObjectStream(c.var.deps, shown.key);
  return new Response(object.body, {
    headers: {
      "content-type": shown.contentType,
      ...(object.size ? { "content-length": object.size } : {}),
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "referrer-policy": "no-referrer",
      "x-robots-tag": "noindex",
    },
  });
}

/**
 * GET /s/:token — a page rendered by the worker (not the SPA) so chat apps get Open Graph
 * tags. An image link shows the image and its alt text; an album link the album's name and
 * its pictures. Nothing else of the owner's: pictures come from /s/:token/..., never from the
 * bucket, so no object key or owner id is in sight.
 */
export const sharedPage = new Hono<AppEnv>()
  .get("/:token", async (c) => {
    const token = c.req.param("token");
    // Hono answers HEAD with the GET route: only a GET is a view.
    if (c.req.method === "HEAD") return (await isShareOpenable(c.var.deps, token)) ? openablePage() : unavailablePage();
    const opened = await openShare(c.var.deps, token);
    if (!opened) return unavailablePage();
    const base = `${new URL(c.req.url).origin}/s/${token}`;
    if (opened.kind === "image") return imagePage(opened.image.altText, shareObjectFor(opened.image), `${base}/image?ticket=${opened.ticket}`);
    const pictures = opened.pictures.map((picture) => ({
      altText: picture.altText,
      thumb: picture.thumb,
      thumbSrc: `${base}/images/${picture.id}?size=thumb&ticket=${opened.ticket}`,
      displaySrc: `${base}/images/${picture.id}?ticket=${opened.ticket}`,
    }));
    const preview = opened.preview && { ...opened.preview, src: `${base}/images/${opened.preview.id}?ticket=${opened.ticket}` };
    return albumPage({ name: opened.name, total: opened.total, pictures, preview, ticketSeconds: opened.ticketSeconds });
  })
  /** An image link's page view loading its picture (a preview crawler's og:image fetch too): checked every time, counted with the page. */
  .get("/:token/image", async (c) => pictureResponse(c, await openSharedImage(c.var.deps, c.req.param("token"), c.req.query("ticket") ?? "")))
  /** An album link's page view loading one of its pictures (?size=thumb for the grid): only while the image is in the album. */
  .get("/:token/images/:imageId", async (c) => {
    const size = c.req.query("size") === "thumb" ? "thumb" : "display";
    return pictureResponse(c, await openSharedAlbumImage(c.var.deps, c.req.param("token"), c.req.param("imageId"), c.req.query("ticket") ?? "", size));
  });
