import { hc } from "hono/client";
import type { AppType } from "../../../worker/app-type";
import type { BulkInput, ImagePatch, SettingsPatch, ShareInput } from "./api-shapes";
import { bearerToken, endSession, startSession } from "./session";

/** The API's error body ({message, code, field?}) as a throwable value. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** What every error answer carries (the worker's onError); not part of AppType, which types successes. */
interface ErrorBody {
  message?: string;
  code?: string;
  field?: string;
}

/** Per-upload privacy choices, sent as the direct upload's metadata; a field left out takes the account's default. */
export interface UploadOptions {
  keep_metadata?: boolean;
  no_ai?: boolean;
}

/**
 * Every call goes through `withSession`, so a caller only ever sees the success bodies AppType declares.
 * Exported for api-lazy.ts and api-uploads.ts only: calls that only lazily loaded code makes, kept out of the first load.
 */
export const client = hc<AppType>("/", { fetch: withSession });

let refreshing: Promise<boolean> | undefined;

/**
 * One refresh at a time, since each refresh token works only once: parallel 401s of this tab
 * share one, and the browser's tabs, which share the refresh cookie, take turns (oneTabAtATime).
 * It sends the refresh cookie through plain fetch: no access token, and no refresh of its own.
 */
function refreshSession(): Promise<boolean> {
  refreshing ??= oneTabAtATime(async () => {
    const res = await client.auth.refresh.$post(undefined, { fetch });
    // 204: no refresh cookie, nobody signed in (not an error, so a signed-out load logs none).
    if (res.status !== 200) return false;
    startSession(await res.json());
    return true;
  })
    .catch(() => false)
    .finally(() => (refreshing = undefined));
  return refreshing;
}

/**
 * Tabs opened or woken together would each send the cookie's token at once; under a Web Lock
 * they queue, and each sends the token the tab before it just received. Without Web Locks (an
 * insecure context) the worker's grace window still hands a second, simultaneous refresh the same successor.
 */
async function oneTabAtATime(refresh: () => Promise<boolean>): Promise<boolean> {
  return "locks" in navigator ? await navigator.locks.request("auth-refresh", refresh) : refresh();
}

/** On load: the refresh cookie, if any, becomes an access token. */
export async function restoreSession() {
  if (!(await refreshSession())) endSession("none");
}

async function toApiError(res: Response): Promise<ApiError> {
  const body: ErrorBody = await res.json().catch(() => ({}));
  return new ApiError(res.status, body.code ?? "error", body.message ?? `Request failed (${res.status})`, body.field);
}

/**
 * The client's fetch: adds the access token. A 401 to a request that carried one means the
 * token expired (or a password change revoked it): refresh once and retry; failing that, the
 * session is over and the user is sent to sign in. Any other failure is thrown as an ApiError.
 */
async function withSession(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  let sentWith: string | undefined;
  const send = () => {
    const headers = new Headers(init?.headers);
    sentWith = bearerToken();
    if (sentWith) headers.set("authorization", `Bearer ${sentWith}`);
    return fetch(input, { ...init, headers });
  };
  let res = await send();
  if (res.status === 401 && sentWith) {
    // Another request may have refreshed meanwhile: then its new token is all we need.
    if (bearerToken() !== sentWith || (await refreshSession())) res = await send();
    if (res.status === 401) endSession("expired");
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

/** hc puts path parameters in as given; an id may come from the address bar. */
const image = (id: string) => ({ id: encodeURIComponent(id) });

export async function signIn(email: string, password: string) {
  const res = await client.auth.login.$post({ json: { email, password } });
  startSession(await res.json());
}

export async function signUp(username: string, email: string, password: string) {
  await client.auth.register.$post({ json: { username, email, password } });
  await signIn(email, password);
}

export async function signOut() {
  await client.auth.logout.$post().catch(() => undefined);
  endSession("signed_out");
}

export async function changePassword(currentPassword: string, newPassword: string) {
  const res = await client.auth.password.$post({ json: { current_password: currentPassword, new_password: newPassword } });
  startSession(await res.json());
}

export async function deleteAccount(password: string) {
  await client.auth.me.$delete({ json: { password } });
  endSession("signed_out");
}

export const getMe = async () => (await client.auth.me.$get()).json();

export const updateSettings = async (patch: SettingsPatch) => (await client.auth.me.$patch({ json: patch })).json();

/** The name a download is saved under: the one its Content-Disposition gives, else `fallback`. */
export const attachmentName = (res: Response, fallback: string) => /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallback;

/**
 * The JSON export as a file, its body as a Blob (the request needs the token, so no plain link).
 * The ZIP, with every original, is read as it streams by api-lazy.ts's downloadExportZip.
 */
export async function exportAccount() {
  const res = await client.auth.me.export.$get({ query: { format: "json" } });
  return { name: attachmentName(res, "image-service-export.json"), blob: await res.blob() };
}

export async function listImages(filter: { q?: string; tag?: string; cursor?: string; before?: string; limit?: number; from?: string; favorite?: boolean }) {
  const { q, tag, cursor, before, limit, from, favorite } = filter;
  const res = await client.images.$get({
    query: {
      q: q || undefined,
      tag: tag || undefined,
      cursor: cursor || undefined,
      before: before || undefined,
      limit: limit?.toString(),
      from: (!cursor && !before && from) || undefined,
      favorite: favorite ? "true" : undefined,
    },
  });
  const body = await res.json();
  // The original API's bare array answers only ?format=array, which is never sent from here.
  if (Array.isArray(body)) throw new ApiError(res.status, "unexpected_body", "The image list came back in an unexpected format");
  return body;
}

/** Months that hold images, newest first, with how many each holds. */
export const getTimeline = async () => (await client.images.timeline.$get()).json();

/** One call for many images; each succeeds or fails on its own (read `summary.failed`). */
export const runBulk = async (input: BulkInput) => (await client.images.bulk.$post({ json: input })).json();

/** The chosen originals as one ZIP, saved from a Blob: the request needs the token, so no plain link. */
export async function downloadImages(ids: string[]) {
  const res = await client.images.download.$post({ json: { ids } });
  return { name: attachmentName(res, "images.zip"), blob: await res.blob() };
}

export const getImage = async (id: string) => (await client.images[":id"].$get({ param: image(id) })).json();

/** To the trash: restorable (api-lazy.ts's trash calls) until the sweep deletes it for good. */
export async function deleteImage(id: string) {
  await client.images[":id"].$delete({ param: image(id) });
}

export const updateImage = async (id: string, patch: ImagePatch) => (await client.images[":id"].$patch({ param: image(id), json: patch })).json();

export const listShares = async (imageId: string) => (await client.images[":id"].shares.$get({ param: image(imageId) })).json();

export const createShare = async (imageId: string, input: ShareInput) =>
  (await client.images[":id"].shares.$post({ param: image(imageId), json: input })).json();

export async function revokeShare(imageId: string, shareId: string) {
  await client.images[":id"].shares[":shareId"].$delete({ param: { ...image(imageId), shareId: encodeURIComponent(shareId) } });
}

export const analyzeImage = async (id: string) => (await client.images[":id"].analyze.$post({ param: image(id) })).json();
