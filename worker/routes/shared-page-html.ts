import { escapeHtml, styleHashSource } from "../lib/html";

/**
 * The HTML of the public /s/ pages: inline style allowed by its hash, pictures and the app's icon from
 * this origin only. An album's page adds the viewer, a module of the web build (web/src/share-viewer.ts)
 * served from this origin: no inline script, no style attributes.
 */

/** Where the build puts the album page's viewer (web/vite.config.ts names it without a hash). */
const shareViewerPath = "/share-viewer.js";

const css =
  "body{margin:0;min-height:100vh;display:grid;place-items:center;background:#111;color:#eee;font:16px system-ui,sans-serif}" +
  "img{max-width:100vw;max-height:90vh;object-fit:contain}p{margin:1rem;text-align:center}" +
  "body.album{display:block;padding:1rem}h1{margin:0 0 .25rem;font-size:1.5rem}.album p{margin:0 0 1rem;text-align:left;color:#bbb}" +
  // Justified rows, as in the app (styles.css, .grid.justified): each picture's basis is its shape
  // (--r) times the row height and it grows in that proportion; the filler keeps the last row short.
  ".pictures{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem;--h:clamp(6.5rem,24vw,12rem)}" +
  '.pictures::after{content:"";flex-grow:1000000}.pictures li{--r:1;flex:var(--r) 1 calc(var(--r)*var(--h));min-width:0}' +
  ".pictures a{display:block;aspect-ratio:var(--r);background:#222}.pictures img{display:block;width:100%;height:100%;object-fit:cover}" +
  "a:focus-visible,button:focus-visible{outline:3px solid #8ab4ff;outline-offset:2px}";

/** The viewer: the whole picture fitted to the window (contain), the thumb beneath while the display copy loads. */
const viewerCss =
  ":root:has(dialog[open]){overflow:hidden}" +
  ".viewer{position:fixed;inset:0;width:100%;height:100%;max-width:none;max-height:none;margin:0;padding:0;border:0;background:#000;color:#eee;overflow:hidden;touch-action:pinch-zoom}" +
  ".viewer::backdrop{background:#000}.stage{position:absolute;inset:0}" +
  ".stage img{position:absolute;inset:0;width:100%;height:100%;max-width:none;max-height:none;object-fit:contain}" +
  ".viewer button{position:absolute;width:3rem;height:3rem;padding:0;border:0;border-radius:50%;background:#000a;color:#fff;font:2rem/1 system-ui,sans-serif;cursor:pointer}" +
  ".viewer button:disabled{opacity:.3;cursor:default}.close{top:.5rem;right:.5rem}.prev,.next{top:calc(50% - 1.5rem)}.prev{left:.5rem}.next{right:.5rem}" +
  ".album .viewer .counter{position:absolute;top:1.25rem;left:.75rem;margin:0;padding:.1rem .5rem;border-radius:.25rem;background:#000a;color:#eee;font-size:.9rem}" +
  ".album .notice{margin:0 0 1rem;padding:.75rem;border-radius:.25rem;background:#332;color:#eee}" +
  ".album .viewer .notice{position:absolute;left:1rem;right:1rem;bottom:1rem;margin:0}" +
  ".notice button{position:static;width:auto;height:auto;margin-left:.5rem;padding:.25rem .75rem;border-radius:.25rem;background:#eee;color:#111;font-size:1rem}";

interface PageParts {
  bodyClass?: string;
  /** Added to the style sheet, whose hash the CSP names (no style attributes: they would need 'unsafe-inline'). */
  pageCss?: string;
  /** A module of this origin the page runs (script-src 'self'); pages without one allow no script at all. */
  script?: string;
}

function page(status: 200 | 404, head: string, body: string, { bodyClass = "", pageCss = "", script }: PageParts = {}) {
  const style = css + pageCss;
  // The app's own icon: without one, every visit logs a failed request for /favicon.ico.
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">` +
    `<link rel="icon" href="/favicon.svg" type="image/svg+xml">${head}<style>${style}</style>${script ? `<script type="module" src="${script}"></script>` : ""}</head>` +
    `<body${bodyClass ? ` class="${bodyClass}"` : ""}>${body}</body></html>`;
  const scriptSrc = script ? "script-src 'self'; require-trusted-types-for 'script'; trusted-types 'none'; " : "";
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
      "x-robots-tag": "noindex",
      "content-security-policy": `default-src 'none'; ${scriptSrc}img-src 'self'; style-src ${styleHashSource(style)}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
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
  `<meta name="twitter:card" content="summary_large_image"><meta name="twitter:image" content="${src}"><meta name="twitter:image:alt" content="${alt}">`;

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

interface SharedAlbum {
  name: string;
  total: number;
  pictures: AlbumPicture[];
  /** The link preview: the album's cover (its display picture), else its first picture. */
  preview: (Shown & { altText: string | null; src: string }) | undefined;
  /** How long the pictures' ticket lasts from now: the viewer stops loading and offers a reload after. */
  ticketSeconds: number;
}

const reloadNotice = (extra = "") =>
  `<p class="notice"${extra} hidden>These pictures were opened a while ago and their links have run out. Reloading the page shows them again (it counts as a view of the link).<button type="button" class="reload">Reload</button></p>`;

/** Closed until the viewer's script opens it; its buttons are in the order Tab reaches them. */
const viewer =
  `<dialog class="viewer" aria-label="Picture viewer"><div class="stage"></div><p class="counter" aria-live="polite"></p>` +
  `<button type="button" class="close" aria-label="Close">×</button><button type="button" class="prev" aria-label="Previous picture">‹</button>` +
  `<button type="button" class="next" aria-label="Next picture">›</button>${reloadNotice(' role="alert"')}</dialog>`;

/**
 * An album: its name and a grid of thumbs, each linking to its display picture, which the viewer
 * opens in place (the link itself is what works without the script). Nothing names the owner.
 */
export function albumPage({ name, total, pictures, preview, ticketSeconds }: SharedAlbum) {
  const title = escapeHtml(name);
  const count = pictures.length < total ? `Showing ${pictures.length} of ${total} pictures.` : `${total} picture${total === 1 ? "" : "s"}.`;
  const items = pictures
    .map((picture) => {
      const alt = escapeHtml(picture.altText || "Shared image");
      return `<li><a href="${escapeHtml(picture.displaySrc)}"><img src="${escapeHtml(picture.thumbSrc)}" alt="${alt}" width="${picture.thumb.width}" height="${picture.thumb.height}" loading="lazy"></a></li>`;
    })
    .join("");
  const head = titles(title) + (preview ? ogImage(escapeHtml(preview.src), preview, escapeHtml(preview.altText || "Shared image")) : "");
  if (pictures.length === 0) return page(200, head, `<h1>${title}</h1><p>${count}</p><p>This album has no pictures to show.</p>`, { bodyClass: "album" });
  const body = `<h1>${title}</h1><p>${count}</p>${reloadNotice()}<ul class="pictures" data-ticket-seconds="${ticketSeconds}">${items}</ul>${viewer}`;
  return page(200, head, body, { bodyClass: "album", pageCss: viewerCss + shapes(pictures.map((picture) => picture.thumb)), script: shareViewerPath });
}
/** Each picture's shape for the justified rows, by position, within the app's bounds (image-card.tsx's tileStyle). */
function shapes(sizes: Shown[]) {
  return sizes
    .map(({ width, height }, index) => `.pictures li:nth-child(${index + 1}){--r:${Math.min(4, Math.max(0.4, width / height)).toFixed(4)}}`)
    .join("");
}
