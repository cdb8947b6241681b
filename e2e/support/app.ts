import { after } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { startE2eServer, type E2eServer } from "../../scripts/e2e/server";
import type { FilePayload } from "./images";
import { type OriginalFrontend, startOriginalFrontend } from "./original-frontend";

// Debian's chromium, not a browser build downloaded by Playwright.
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let started: Promise<{ server: E2eServer; browser: Browser; originalFrontend: OriginalFrontend }> | undefined;

/**
 * One server and one browser for the whole run (test files share the process, see
 * package.json). Playwright gives the browser a fresh, temporary --user-data-dir and
 * each test its own context, so no test sees another's cookies. The original system's frontend
 * is served from another origin, which the API allows.
 */
function startApp() {
  started ??= (async () => {
    const originalFrontend = await startOriginalFrontend();
    const server = await startE2eServer({ logFile: "test-results/e2e-server.log", allowedOrigins: [originalFrontend.url] }).catch(async (error: unknown) => {
      await originalFrontend.close();
      throw error;
    });
    const browser = await chromium
      .launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: chromiumArgs })
      .catch(async (error: unknown) => {
        await server.close();
        await originalFrontend.close();
        throw error;
      });
    return { server, browser, originalFrontend };
  })();
  return started;
}

after(async () => {
  const app = await started?.catch(() => undefined);
  await app?.browser.close();
  await app?.server.close();
  await app?.originalFrontend.close();
});

export interface OpenPage {
  page: Page;
  baseUrl: string;
  geminiUrl: string;
  /** Where the stand-in for the original system's frontend is served, on another origin. */
  originalFrontendUrl: string;
  /** For the stand-ins' admin routes (x-admin-token). */
  adminToken: string;
  /** Uncaught errors and CSP violations seen so far: a passing test leaves it empty. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * `ownAddress: false` leaves out the cf-connecting-ip header that gives each test an address of its
 * own: a page on another origin would have to ask CORS for it, and the API never allows it.
 */
export async function openPage(
  viewport: { width: number; height: number; deviceScaleFactor?: number },
  colorScheme: "light" | "dark" = "light",
  opts: { ownAddress?: boolean } = {},
): Promise<OpenPage> {
  const { server, browser, originalFrontend } = await startApp();
  // Each test is someone at an address of their own: the per-address limits on sign-in (20 a minute)
  // apply to each, not to the whole suite's sign-ins from 127.0.0.1 (worker/test checks the limits).
  const { deviceScaleFactor, ...size } = viewport;
  const context = await browser.newContext({
    viewport: size,
    deviceScaleFactor,
    colorScheme,
    baseURL: server.url,
    reducedMotion: "reduce",
    extraHTTPHeaders: opts.ownAddress === false ? {} : { "cf-connecting-ip": nextAddress() },
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return { page, baseUrl: server.url, geminiUrl: server.geminiUrl, originalFrontendUrl: originalFrontend.url, adminToken: server.adminToken, problems, close: () => context.close() };
}

let addresses = 0;
/** A documentation address (RFC 5737) not used before in this run. */
function nextAddress() {
  addresses++;
  return `198.51.${100 + Math.floor(addresses / 250)}.${(addresses % 250) + 1}`;
}

export function newUser() {
  const id = crypto.randomUUID().slice(0, 8);
  return { username: `e2e_${id}`, email: `e2e-${id}@example.com`, password: `correct horse ${id}` };
}

/** Creates the account through the API, for tests that are about something other than signing up. */
export async function registerUser(baseUrl: string) {
  const user = newUser();
  const res = await fetch(`${baseUrl}/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": nextAddress() },
    body: JSON.stringify(user),
  });
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  return user;
}

/** An access token of a session of its own (not the browser's). */
export async function signInThroughApi(baseUrl: string, user: { email: string; password: string }): Promise<string> {
  const login = await fetch(`${baseUrl}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": nextAddress() },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (!login.ok) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  return ((await login.json()) as { access_token: string }).access_token;
}

/** Sets account settings through the API, for tests about what the UI does with them. */
export async function updateSettingsThroughApi(baseUrl: string, user: { email: string; password: string }, settings: { never_send_to_ai?: boolean; keep_metadata?: boolean }) {
  const token = await signInThroughApi(baseUrl, user);
  const res = await fetch(`${baseUrl}/auth/me`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(settings),
  });
  if (!res.ok) throw new Error(`settings answered ${res.status}: ${await res.text()}`);
}

/** Signs in through the API (its own session, not the browser's) and uploads each file in its own request. */
export async function uploadThroughApi(baseUrl: string, user: { email: string; password: string }, files: FilePayload[]) {
  const token = await signInThroughApi(baseUrl, user);
  for (const file of files) {
    const form = new FormData();
    form.append("image", new Blob([new Uint8Array(file.buffer)], { type: file.mimeType }), file.name);
    const res = await fetch(`${baseUrl}/images/upload`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
    if (res.status !== 201) throw new Error(`upload of ${file.name} answered ${res.status}: ${await res.text()}`);
  }
}

/** Signs in through the API and makes an album of the user's images with these names, in this order; answers its id. */
export async function albumThroughApi(baseUrl: string, user: { email: string; password: string }, name: string, fileNames: string[]): Promise<string> {
  const auth = await jsonAuth(baseUrl, user);
  const created = await fetch(`${baseUrl}/albums`, { method: "POST", headers: auth, body: JSON.stringify({ name }) });
  if (created.status !== 201) throw new Error(`creating the album answered ${created.status}: ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  await putInAlbum(baseUrl, auth, id, fileNames);
  return id;
}

/** Signs in through the API and puts every image of the user into the album. */
export async function addAllToAlbumThroughApi(baseUrl: string, user: { email: string; password: string }, albumId: string) {
  await putInAlbum(baseUrl, await jsonAuth(baseUrl, user), albumId);
}

const jsonAuth = async (baseUrl: string, user: { email: string; password: string }) => ({
  authorization: `Bearer ${await signInThroughApi(baseUrl, user)}`,
  "content-type": "application/json",
});

/** The images with these names (all of them when none are named) go into the album, in this order. */
async function putInAlbum(baseUrl: string, auth: Record<string, string>, albumId: string, fileNames?: string[]) {
  const listed = (await (await fetch(`${baseUrl}/images?limit=100`, { headers: auth })).json()) as { images: { id: string; file_name: string }[] };
  const ids = fileNames ? fileNames.map((fileName) => listed.images.find((image) => image.file_name === fileName)?.id) : listed.images.map((image) => image.id);
  if (ids.includes(undefined)) throw new Error(`not all of ${fileNames?.join(", ")} are uploaded`);
  const added = await fetch(`${baseUrl}/albums/${albumId}/images`, { method: "POST", headers: auth, body: JSON.stringify({ ids }) });
  if (added.status !== 200) throw new Error(`adding to the album answered ${added.status}: ${await added.text()}`);
}
