import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/errors";
import { escapeHtml, styleHashSource } from "../lib/html";
import { getObjectStream } from "../services/object-store";
import { shareObjectFor } from "../services/rendition-keys";
import { openShare, openSharedImage } from "../services/shares";

const css =
  "body{margin:0;min-height:100vh;display:grid;place-items:center;background:#111;color:#eee;font:16px system-ui,sans-serif}" +
  "img{max-width:100vw;max-height:90vh;object-fit:contain}p{margin:1rem;text-align:center}";

function page(status: 200 | 404, head: string, body: string) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">${head}<style>${css}</style></head><body>${body}</body></html>`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
      "x-robots-tag": "noindex",
      "content-security-policy": `default-src 'none'; img-src 'self'; style-src ${styleHashSource(css)}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    },
  });
}

const linkUnavailable = () => new AppError(404, "share_not_found", "This link has expired, reached its view limit or was revoked");

/**
 * GET /s/:token — a page rendered by the worker (not the SPA) so chat apps get Open Graph
 * tags. It shows the image and its alt text, nothing else of the owner's: the image comes
 * from /s/:token/image, never from the bucket, so no object key or owner id is in sight.
 */
export const sharedPage = new Hono<AppEnv>()
  .get("/:token", async (c) => {
    const opened = await openShare(c.var.deps, c.req.param("token"));
    if (!opened) {
      return page(404, "<title>Link unavailable</title>", "<p>This link has expired, reached its view limit or was revoked.</p>");
    }
    const { image, imageTicket } = opened;
    const alt = escapeHtml(image.altText || "Shared image");
    const shown = shareObjectFor(image);
    const titles = `<title>${alt}</title><meta property="og:type" content="website"><meta property="og:title" content="${alt}">`;
    if (!shown) return page(200, titles, `<p>${alt}</p><p>The picture is still being prepared; open the link again in a minute.</p>`);
    const src = escapeHtml(`${new URL(c.req.url).origin}/s/${c.req.param("token")}/image?ticket=${imageTicket}`);
    const head =
      titles +
      `<meta property="og:image" content="${src}"><meta property="og:image:width" content="${shown.width}">` +
      `<meta property="og:image:height" content="${shown.height}"><meta property="og:image:alt" content="${alt}">` +
      `<meta name="twitter:card" content="summary_large_image">`;
    return page(200, head, `<img src="${src}" alt="${alt}" width="${shown.width}" height="${shown.height}">`);
  })
  /** The page view's own image load (a preview crawler's og:image fetch too): checked every time, counted with the page. */
  .get("/:token/image", async (c) => {
    const shared = await openSharedImage(c.var.deps, c.req.param("token"), c.req.query("ticket") ?? "");
    if (!shared) throw linkUnavailable();
    const object = await getObjectStream(c.var.deps, shared.key);
    return new Response(object.body, {
      headers: {
        "content-type": shared.contentType,
        ...(object.size ? { "content-length": object.size } : {}),
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
        "referrer-policy": "no-referrer",
        "x-robots-tag": "noindex",
      },
    });
  });
