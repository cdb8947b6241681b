import { escapeHtml, styleHashSource } from "../lib/html";

/** The HTML of the public /s/ pages: no script, inline style allowed by its hash, pictures from this origin only. */

const css =
  "body{margin:0;min-height:100vh;display:grid;place-items:center;background:#111;color:#eee;font:16px system-ui,sans-serif}" +
  "img{max-width:100vw;max-height:90vh;object-fit:contain}p{margin:1rem;text-align:center}" +
  "body.album{display:block;padding:1rem}h1{margin:0 0 .25rem;font-size:1.5rem}.album p{margin:0 0 1rem;text-align:left;color:#bbb}" +
  // Justified rows, as in the app (styles.css, .grid.justified): each picture's basis is its shape
  // (--r) times the row height and it grows in that proportion; the filler keeps the last row short.
  ".pictures{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem;--h:clamp(6.5rem,24vw,12rem)}" +
  '.pictures::after{content:"";flex-grow:1000000}.pictures li{--r:1;flex:var(--r) 1 calc(var(--r)*var(--h));min-width:0}' +
  ".pictures a{display:block;aspect-ratio:var(--r);background:#222}.pictures img{display:block;width:100%;height:100%;object-fit:cover}";

/** `pageCss` is added to the style sheet, whose hash the CSP names (no style attributes: they would need 'unsafe-inline'). */
function page(status: 200 | 404, head: string, body: string, bodyClass = "", pageCss = "") {
  const style = css + pageCss;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">${head}<style>${style}</style></head><body${bodyClass ? ` class="${bodyClass}"` : ""}>${body}</body></html>`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
      "x-robots-tag": "noindex",
      "content-security-policy": `default-src 'none'; img-src 'self'; style-src ${styleHashSource(style)}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    },
  });
}

export const unavailablePage = () =>
  page(404, "<title>Link unavailable</title>", "<p>This link has expired, reached its view limit or was revoked.</p>");

/** What a HEAD on a live link answers: a page's status and headers, and no view counted (so nothing of the image either). */
export const openablePage = () => page(200, "<title>Shared link</title>", "");

interface Shown {
  width: number;
  height: number;
}

const titles = (title: string) => `<title>${title}</title><meta property="og:type" content="website"><meta property="og:title" content="${title}">`;

const ogImage = (src: string, shown: Shown, alt: string) =>
  `<meta property="og:image" content="${src}"><meta property="og:image:width" content="${shown.width}">` +
  `<meta property="og:image:height" content="${shown.height}"><meta property="og:image:alt" content="${alt}">` +
  `<meta name="twitter:card" content="summary_large_image">`;

/** One image: its alt text and the picture, or a note while no picture may be shown yet. */
export function imagePage(altText: string | null, shown: Shown | undefined, src: string) {
  const alt = escapeHtml(altText || "Shared image");
  if (!shown) return page(200, titles(alt), `<p>${alt}</p><p>The picture is still being prepared; open the link again in a minute.</p>`);
  const url = escapeHtml(src);
  return page(200, titles(alt) + ogImage(url, shown, alt), `<img src="${url}" alt="${alt}" width="${shown.width}" height="${shown.height}">`);
}

interface AlbumPicture {
  altText: string | null;
  thumb: Shown;
  thumbSrc: string;
  displaySrc: string;
}

/** An album: its name and a grid of thumbs, each linking to its display picture. Nothing names the owner or the images' ids' owner. */
export function albumPage(name: string, total: number, pictures: AlbumPicture[]) {
  const title = escapeHtml(name);
  const count = pictures.length < total ? `Showing ${pictures.length} of ${total} pictures.` : `${total} picture${total === 1 ? "" : "s"}.`;
  const items = pictures
    .map((picture) => {
      const alt = escapeHtml(picture.altText || "Shared image");
      return `<li><a href="${escapeHtml(picture.displaySrc)}"><img src="${escapeHtml(picture.thumbSrc)}" alt="${alt}" width="${picture.thumb.width}" height="${picture.thumb.height}" loading="lazy"></a></li>`;
    })
    .join("");
  const first = pictures[0];
  const head = titles(title) + (first ? ogImage(escapeHtml(first.displaySrc), first.thumb, escapeHtml(first.altText || "Shared image")) : "");
  const empty = pictures.length === 0 ? "<p>This album has no pictures to show.</p>" : "";
  return page(200, head, `<h1>${title}</h1><p>${count}</p>${empty}<ul class="pictures">${items}</ul>`, "album", shapes(pictures.map((picture) => picture.thumb)));
}

/** Each picture's shape for the justified rows, by position, within the app's bounds (image-card.tsx's tileStyle). */
function shapes(sizes: Shown[]) {
  return sizes
    .map(({ width, height }, index) => `.pictures li:nth-child(${index + 1}){--r:${Math.min(4, Math.max(0.4, width / height)).toFixed(4)}}`)
    .join("");
}
