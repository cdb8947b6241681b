import { describe, expect, it } from "vitest";
import { app, bearer, json, newSignedInUser, signIn, type SignedIn } from "../helpers";
import { storedObjects, upload, uploadOk } from "../image-helpers";
import { makePng } from "../images";

/**
 * The listing, the timeline and one image check the token's user and session in the same
 * database request as their own read (Caller.read): every way a token stops being good
 * answers 401 there exactly as on the other routes, and before any of the read's rows.
 */
const reads = (imageId: string) => [
  "/images",
  "/images?limit=5&tag=beach",
  "/images/timeline",
  `/images/${imageId}`,
  `/images/${imageId}/file`,
  `/images/${crypto.randomUUID()}`,
];

/** Reads that fail for a reason of their own: with a good token 400 or 404, with a bad one 401. */
const failingReads = ["/images?limit=abc", "/images?cursor=not-ours", "/images/not-an-id", "/images/nothing/here/at/all"];

async function statusOf(path: string, token: string) {
  const res = await app(path, { headers: bearer(token), redirect: "manual" });
  const body = res.status === 302 ? {} : await res.json<{ code?: string; images?: unknown }>();
  return { status: res.status, code: body.code, leaked: body.images !== undefined };
}

async function signedInWithImage(): Promise<SignedIn & { imageId: string }> {
  const signedIn = await newSignedInUser();
  const image = await uploadOk(signedIn.accessToken, { bytes: await makePng(4, 4, [9, 9, 9]) });
  return { ...signedIn, imageId: image.id };
}

async function expectRefused(token: string, imageId: string) {
  for (const path of [...reads(imageId), ...failingReads]) {
    expect(await statusOf(path, token), path).toEqual({ status: 401, code: "invalid_token", leaked: false });
  }
}

describe("hot reads check the token's user and session with their own query", () => {
  it("answer with a live token (control case): 200, 302, 404 for an unknown image, 400/404 for bad input", async () => {
    const { accessToken, imageId } = await signedInWithImage();
    const statuses = await Promise.all(reads(imageId).map(async (path) => (await statusOf(path, accessToken)).status));
    expect(statuses).toEqual([200, 200, 200, 200, 302, 404]);
    const failing = await Promise.all(failingReads.map(async (path) => (await statusOf(path, accessToken)).status));
    expect(failing).toEqual([400, 400, 404, 404]);
  });

  it("refuse a logged-out session's token with 401 invalid_token, bad input or not", async () => {
    const { accessToken, refreshToken, imageId } = await signedInWithImage();
    expect((await app("/auth/logout", json({ refresh_token: refreshToken }))).status).toBe(204);
    await expectRefused(accessToken, imageId);
  });

  it("refuse an upload with a logged-out token (its row is read while the body arrives): 401 for a good or a bad body, nothing stored", async () => {
    const { user, accessToken, refreshToken } = await signedInWithImage();
    await app("/auth/logout", json({ refresh_token: refreshToken }));
    for (const bytes of [await makePng(5, 5, [1, 2, 3]), new TextEncoder().encode("not an image")]) {
      const res = await upload(accessToken, { bytes });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: "invalid_token" });
    }
    expect(await storedObjects(`users/${user.id}/`)).toHaveLength(1);
  });

  it("refuse a token from before a password change (token version) with 401", async () => {
    const { user, accessToken, imageId } = await signedInWithImage();
    const changed = await app("/auth/password", json({ current_password: user.password, new_password: "another passphrase entirely" }, { headers: bearer(accessToken) }));
    expect(changed.status).toBe(200);
    await expectRefused(accessToken, imageId);
  });

  it("refuse a deleted user's token with 401", async () => {
    const { user, accessToken, imageId } = await signedInWithImage();
    const other = await signIn(user);
    expect((await app("/auth/me", json({ password: user.password }, { method: "DELETE", headers: bearer(accessToken) }))).status).toBe(204);
    await expectRefused(other.accessToken, imageId);
  });

  it("still serve another live session of the same user after one session ends", async () => {
    const { user, accessToken, refreshToken, imageId } = await signedInWithImage();
    const laptop = await signIn(user);
    await app("/auth/logout", json({ refresh_token: refreshToken }));
    expect((await statusOf("/images", accessToken)).status).toBe(401);
    expect((await statusOf(`/images/${imageId}`, laptop.accessToken)).status).toBe(200);
  });
});
