/**
 * The album share page's viewer (the worker renders the page: worker/routes/shared-page-html.ts).
 * A tile opens its display picture whole in a modal dialog; next/previous by buttons, arrow keys
 * and swipe; Escape, the close button or Back close it and focus returns to the tile. The open
 * picture's id is the URL's hash, so Back closes and a reload reopens it. Built as its own module,
 * with no imports, and run under the page's CSP: it sets attributes and classes, never a style.
 *
 * The pictures' ticket runs out (data-ticket-seconds after the page was served). The page cannot
 * get a new one without counting a view, so from then on it loads nothing more (a refused picture
 * would only be an error) and offers a reload, which is a new view of the link.
 */

const list = document.querySelector<HTMLUListElement>("ul.pictures");
const dialog = document.querySelector<HTMLDialogElement>("dialog.viewer");
if (list && dialog) startViewer(list, dialog);

function startViewer(list: HTMLUListElement, dialog: HTMLDialogElement) {
  const tiles = [...list.querySelectorAll<HTMLAnchorElement>("li > a")];
  const part = <T extends Element>(selector: string) => dialog.querySelector<T>(selector) as T;
  const stage = part<HTMLDivElement>(".stage");
  const counter = part<HTMLParagraphElement>(".counter");
  const [close, previous, next] = [".close", ".prev", ".next"].map((selector) => part<HTMLButtonElement>(selector));
  // A module runs once the page is parsed: the margin covers its arrival and a picture's request.
  const deadline = Date.now() + (Number(list.dataset.ticketSeconds) - 15) * 1000;
  const isExpired = () => Date.now() >= deadline;
  const idOf = (tile: HTMLAnchorElement) => new URL(tile.href).pathname.split("/").pop();
  const hashIndex = () => tiles.findIndex((tile) => `#${idOf(tile)}` === location.hash);
  /** The display pictures of the open one and its neighbours, kept as elements so a step back is not a new download. */
  const loaded = new Map<number, HTMLImageElement>();
  let current = -1;

  function expire() {
    for (const notice of document.querySelectorAll<HTMLElement>(".notice")) notice.hidden = false;
    // Thumbs not loaded yet (lazy, further down) would only be refused now.
    for (const thumb of list.querySelectorAll("img")) if (!thumb.complete) thumb.removeAttribute("src");
    stage.replaceChildren(...[...stage.children].filter((child) => child instanceof HTMLImageElement && child.complete && child.naturalWidth > 0));
    loaded.clear();
  }

  function pictureAt(index: number) {
    let picture = loaded.get(index);
    if (!picture) {
      picture = new Image();
      picture.alt = tiles[index].querySelector("img")?.alt ?? "";
      picture.decoding = "async";
      picture.src = tiles[index].href;
      loaded.set(index, picture);
    }
    return picture;
  }

  function show(index: number) {
    current = index;
    counter.textContent = `${index + 1} / ${tiles.length}`;
    previous.disabled = index === 0;
    next.disabled = index === tiles.length - 1;
    if (document.activeElement instanceof HTMLButtonElement && document.activeElement.disabled) (previous.disabled ? next : previous).focus();
    if (isExpired()) return expire();
    for (const kept of loaded.keys()) if (Math.abs(kept - index) > 1) loaded.delete(kept);
    const picture = pictureAt(index);
    const thumb = tiles[index].querySelector("img");
    const underneath = thumb?.complete && thumb.naturalWidth > 0 && !picture.complete ? [thumb.cloneNode() as HTMLImageElement] : [];
    for (const copy of underneath) {
      copy.alt = "";
      picture.addEventListener("load", () => copy.remove(), { once: true });
    }
    stage.replaceChildren(...underneath, picture);
    const preloadNeighbours = () => {
      if (current !== index || isExpired()) return;
      for (const neighbour of [index - 1, index + 1]) if (neighbour >= 0 && neighbour < tiles.length) pictureAt(neighbour);
    };
    if (picture.complete) preloadNeighbours();
    else picture.addEventListener("load", preloadNeighbours, { once: true });
  }

  function open(index: number) {
    if (!dialog.open) {
      dialog.showModal();
      close.focus();
    }
    show(index);
    const hash = `#${idOf(tiles[index])}`;
    if (location.hash === hash) return;
    // Opening is a history entry (Back closes); stepping through the pictures replaces it.
    if (history.state?.viewer) history.replaceState(history.state, "", hash);
    else history.pushState({ viewer: true }, "", hash);
  }

  const step = (by: number) => {
    const target = current + by;
    if (dialog.open && target >= 0 && target < tiles.length) open(target);
  };

  list.addEventListener("click", (event) => {
    const tile = (event.target as Element).closest("a");
    if (!tile || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    open(tiles.indexOf(tile));
  });
  close.addEventListener("click", () => dialog.close());
  previous.addEventListener("click", () => step(-1));
  next.addEventListener("click", () => step(1));
  for (const reload of document.querySelectorAll(".reload")) reload.addEventListener("click", () => location.reload());

  document.addEventListener("keydown", (event) => {
    if (!dialog.open || event.altKey || event.ctrlKey || event.metaKey) return;
    const by = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
    if (by === undefined) return;
    event.preventDefault();
    step(by);
  });

  // One finger across the picture: a swipe; two (a pinch) or a mostly vertical move are left alone.
  let start: { x: number; y: number } | undefined;
  dialog.addEventListener("touchstart", (event) => {
    start = event.touches.length === 1 ? { x: event.touches[0].clientX, y: event.touches[0].clientY } : undefined;
  }, { passive: true });
  dialog.addEventListener("touchmove", (event) => {
    if (event.touches.length > 1) start = undefined;
  }, { passive: true });
  dialog.addEventListener("touchend", (event) => {
    const end = event.changedTouches[0];
    if (!start || !end) return;
    const [dx, dy] = [end.clientX - start.x, end.clientY - start.y];
    start = undefined;
    if (Math.abs(dx) > 40 && Math.abs(dx) > 1.5 * Math.abs(dy)) step(dx < 0 ? 1 : -1);
  }, { passive: true });

  dialog.addEventListener("close", () => {
    stage.replaceChildren();
    loaded.clear();
    tiles[current]?.focus();
    if (hashIndex() < 0) return; // closed by Back
    if (history.state?.viewer) history.back();
    else history.replaceState(history.state, "", location.pathname + location.search);
  });

  window.addEventListener("popstate", () => {
    const index = hashIndex();
    if (index >= 0) open(index);
    else if (dialog.open) dialog.close();
  });

  const delay = deadline - Date.now();
  setTimeout(expire, Math.max(0, delay));
  const opened = hashIndex();
  if (opened >= 0) open(opened);
}
