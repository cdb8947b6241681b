import { expect } from "vitest";
import { app, bearer, json, newSignedInUser, type SignedIn } from "../helpers";
import { type ImageBody, uploadOk } from "../image-helpers";
import { makePng } from "../images";

/** Album share links as a visitor meets them: the page, its pictures, and the owner's side that makes them. */

export interface ShareBody {
  id: string;
  url: string;
  views: number;
  max_views: number | null;
  revoked: boolean;
}

export const visit = (url: string) => app(new URL(url).pathname);
export const fetchPath = (url: string) => app(new URL(url).pathname + new URL(url).search);
const unescapeHtml = (text: string) => text.replaceAll("&amp;", "&");
/** The grid's thumbs and the display pictures they link to, in page order. */
export const thumbs = (html: string) => [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => unescapeHtml(m[1]));
export const links = (html: string) => [...html.matchAll(/<li><a href="([^"]+)"/g)].map((m) => unescapeHtml(m[1]));

export async function albumOf(owner: SignedIn, name: string, images: ImageBody[]) {
  const res = await app("/albums", json({ name }, { headers: bearer(owner.accessToken) }));
  const album = await res.json<{ id: string }>();
  if (images.length) await app(`/albums/${album.id}/images`, json({ ids: images.map((i) => i.id) }, { headers: bearer(owner.accessToken) }));
  return album;
}

export async function shareAlbum(owner: SignedIn, albumId: string, body: Record<string, unknown> = { expires_in: 3600 }) {
  const res = await app(`/albums/${albumId}/shares`, json(body, { headers: bearer(owner.accessToken) }));
  expect(res.status).toBe(201);
  return res.json<ShareBody>();
}

/** An owner with an album of two images (and a third image of theirs outside it), shared once. */
export async function sharedAlbum(body?: Record<string, unknown>) {
  const owner = await newSignedInUser();
  const inside = await Promise.all([
    uploadOk(owner.accessToken, { bytes: await makePng(30, 20, [200, 0, 0]), name: "secret-red.png" }),
    uploadOk(owner.accessToken, { bytes: await makePng(20, 30, [0, 0, 200]), name: "secret-blue.png" }),
  ]);
  const outside = await uploadOk(owner.accessToken, { bytes: await makePng(10, 10, [0, 200, 0]), name: "secret-green.png" });
  const album = await albumOf(owner, "Summer by the lake", inside);
  return { owner, inside, outside, album, share: await shareAlbum(owner, album.id, body) };
}
