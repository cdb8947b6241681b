import type { AccountSettings, ImagePage, ImagePatch, ImageView, MeBody, SessionBody, ShareView, UploadBody, UploadOptions } from "./api-types";
import { bearerToken, endSession, startSession, tokenExpiresSoon } from "./session";

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

let refreshing: Promise<boolean> | undefined;

/** One refresh at a time: parallel 401s share it, since each refresh token works only once. */
function refreshSession(): Promise<boolean> {
  refreshing ??= fetch("/auth/refresh", { method: "POST" })
    .then(async (res) => {
      if (!res.ok) return false;
      startSession((await res.json()) as SessionBody);
      return true;
    })
    .catch(() => false)
    .finally(() => (refreshing = undefined));
  return refreshing;
}

/** On load: the refresh cookie, if any, becomes an access token. */
export async function restoreSession() {
  if (!(await refreshSession())) endSession("none");
}

async function toApiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { message?: string; code?: string; field?: string };
  return new ApiError(res.status, body.code ?? "error", body.message ?? `Request failed (${res.status})`, body.field);
}

/**
 * A request with the access token. A 401 to a request that carried one means the token
 * expired (or a password change revoked it): refresh once and retry; failing that, the
 * session is over and the user is sent to sign in.
 */
async function authorized(method: string, path: string, body?: unknown): Promise<Response> {
  let sentWith: string | undefined;
  const send = () => {
    const headers: Record<string, string> = {};
    sentWith = bearerToken();
    if (sentWith) headers.authorization = `Bearer ${sentWith}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
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

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await authorized(method, path, body);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export async function signIn(email: string, password: string) {
  startSession(await call<SessionBody>("POST", "/auth/login", { email, password }));
}

export async function signUp(username: string, email: string, password: string) {
  await call("POST", "/auth/register", { username, email, password });
  await signIn(email, password);
}

export async function signOut() {
  await call("POST", "/auth/logout").catch(() => undefined);
  endSession("signed_out");
}

export async function changePassword(currentPassword: string, newPassword: string) {
  startSession(await call<SessionBody>("POST", "/auth/password", { current_password: currentPassword, new_password: newPassword }));
}

export async function deleteAccount(password: string) {
  await call("DELETE", "/auth/me", { password });
  endSession("signed_out");
}

export const getMe = () => call<MeBody>("GET", "/auth/me");

export const updateSettings = (patch: Partial<AccountSettings>) => call<MeBody>("PATCH", "/auth/me", patch);

/** The export as a file: its name from Content-Disposition, its body as a Blob (the request needs the token, so no plain link). */
export async function exportAccount() {
  const res = await authorized("GET", "/auth/me/export");
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1];
  return { name: name ?? "image-service-export.json", blob: await res.blob() };
}

export function listImages(filter: { q?: string; tag?: string; cursor?: string; limit?: number }) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, String(value));
  return call<ImagePage>("GET", `/images?${params}`);
}

export const getImage = (id: string) => call<ImageView>("GET", `/images/${encodeURIComponent(id)}`);

export const deleteImage = (id: string) => call<void>("DELETE", `/images/${encodeURIComponent(id)}`);

export const updateImage = (id: string, patch: ImagePatch) => call<ImageView>("PATCH", `/images/${encodeURIComponent(id)}`, patch);

const sharesPath = (imageId: string) => `/images/${encodeURIComponent(imageId)}/shares`;

export const listShares = (imageId: string) => call<{ shares: ShareView[] }>("GET", sharesPath(imageId));

export const createShare = (imageId: string, input: { expires_in: number; max_views?: number }) =>
  call<ShareView>("POST", sharesPath(imageId), input);

export const revokeShare = (imageId: string, shareId: string) => call<void>("DELETE", `${sharesPath(imageId)}/${encodeURIComponent(shareId)}`);

export const analyzeImage = (id: string) => call<{ analysis_status: "pending" }>("POST", `/images/${encodeURIComponent(id)}/analyze`);

/**
 * One file per request through XMLHttpRequest, the only browser API that reports upload
 * progress. A token about to expire is refreshed first, so a large file is not sent twice;
 * a 401 still gets one refresh and retry, like `call`.
 */
export async function uploadImage(file: File, options: UploadOptions, onProgress: (fraction: number) => void, signal: AbortSignal) {
  if (tokenExpiresSoon()) await refreshSession();
  let result = await sendUpload(file, options, onProgress, signal);
  if (result.status === 401) {
    if (await refreshSession()) result = await sendUpload(file, options, onProgress, signal);
    if (result.status === 401) endSession("expired");
  }
  if (result.error) throw result.error;
  return result.body as UploadBody;
}

function sendUpload(file: File, options: UploadOptions, onProgress: (fraction: number) => void, signal: AbortSignal) {
  return new Promise<{ status: number; body?: UploadBody; error?: ApiError }>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/images/upload");
    xhr.responseType = "json";
    const token = bearerToken();
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      const body = xhr.response as (UploadBody & { code?: string; field?: string }) | null;
      if (xhr.status >= 200 && xhr.status < 300 && body) return resolve({ status: xhr.status, body });
      const message = body?.message ?? `Upload failed (${xhr.status})`;
      resolve({ status: xhr.status, error: new ApiError(xhr.status, body?.code ?? "error", message, body?.field) });
    };
    xhr.onerror = () => reject(new ApiError(0, "network_error", "The connection failed; check your network and try again"));
    xhr.onabort = () => reject(signal.reason);
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append("image", file);
    for (const [name, value] of Object.entries(options)) if (value !== undefined) form.append(name, String(value));
    xhr.send(form);
  });
}
