import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { images } from "../../db/schema";
import { app, bearer, json, newSignedInUser, testDb } from "../helpers";
import { analysisReaches, getImage, type ImageBody, s3Requests, storedObjects, uploadOk } from "../image-helpers";
import { deliver } from "../job-helpers";
import { download, encodeAs, quadrantPng, renditionsReach, webpChunks } from "../rendition-helpers";

/**
 * Production's Cloudflare Images reads less than the local, sharp-backed binding: no AVIF outside
 * Enterprise plans, nothing over 100 MB, 100 megapixels or 12,000 px a side. The tests run with
 * those defaults, so what passes here is what production does (issue 24, item 8).
 */

afterEach(() => vi.restoreAllMocks());

const row = async (id: string) => (await testDb().select().from(images).where(eq(images.id, id)))[0];

/** The row as the renditions job finds it before its first attempt, claiming what `claims` says. */
const awaitingRenditions = (id: string, claims: Partial<typeof images.$inferInsert> = {}) =>
  testDb()
    .update(images)
    .set({
      renditionsStatus: "pending", renditionsAttempts: 0, renditionsError: null, renditionsLeaseUntil: null, renditionsNextAttemptAt: null,
      thumbKey: null, thumbSize: null, thumbWidth: null, thumbHeight: null,
      displayKey: null, displaySize: null, displayWidth: null, displayHeight: null,
      ...claims,
    })
    .where(eq(images.id, id));

const renditionsJob = (imageId: string) => ({ kind: "renditions", imageId, attempt: 1 });

async function uploadKeepingMetadata(token: string, bytes: Uint8Array, name: string) {
  const form = new FormData();
  form.append("image", new File([bytes], name));
  form.append("keep_metadata", "true");
  const res = await app("/images/upload", { method: "POST", headers: bearer(token), body: form });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return (await res.json<{ image: ImageBody }>()).image;
}

/** A small PNG whose renditions and analysis are done, so nothing else reads it while a test watches. */
async function settledPng(token: string) {
  const uploaded = await uploadOk(token, { bytes: await quadrantPng(60, 40) });
  await renditionsReach(token, uploaded.id, ["done"]);
  await analysisReaches(token, uploaded.id, ["done"]);
  return uploaded;
}

describe("what the Images binding is given (issue 24, item 8)", () => {
  it("serves a stripped AVIF's original as its display copy and thumb, since production's binding reads no AVIF", async () => {
    const { user, accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await encodeAs(await quadrantPng(900, 600), "image/avif"), name: "photo.avif" });
    expect(uploaded).toMatchObject({ content_type: "image/avif", metadata_status: "none_found" });

    const image = await renditionsReach(accessToken, uploaded.id, ["done", "unsupported", "failed"]);
    expect(image).toMatchObject({ renditions_status: "done", renditions_error: null });
    const original = (await download(image.file_url)).bytes;
    for (const url of [image.display_url, image.thumb_url]) {
      const { bytes, headers } = await download(url);
      expect(headers.get("content-type")).toBe("image/avif");
      expect(bytes).toEqual(original);
    }
    expect(await storedObjects(`renditions/users/${user.id}/`)).toEqual([]);
  });

  it("shares such an AVIF as it is stored, under its own content type", async () => {
    const { accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await encodeAs(await quadrantPng(300, 200), "image/avif"), name: "shared.avif" });
    const image = await renditionsReach(accessToken, uploaded.id, ["done", "unsupported", "failed"]);
    const created = await app(`/images/${uploaded.id}/shares`, json({ expires_in: 3600 }, { headers: bearer(accessToken) }));
    const page = await (await app(new URL((await created.json<{ url: string }>()).url).pathname)).text();
    const src = new URL((/<img src="([^"]+)"/.exec(page)?.[1] ?? "").replaceAll("&amp;", "&"));
    const picture = await app(src.pathname + src.search);
    expect(picture.status).toBe(200);
    expect(picture.headers.get("content-type")).toBe("image/avif");
    expect(new Uint8Array(await picture.arrayBuffer())).toEqual((await download(image.file_url)).bytes);
  });

  it("marks an AVIF that kept its metadata unsupported, with the reason, and never shows that original", async () => {
    const { accessToken } = await newSignedInUser();
    const uploaded = await uploadKeepingMetadata(accessToken, await encodeAs(await quadrantPng(90, 60), "image/avif"), "kept.avif");
    expect(uploaded.metadata_status).toBe("kept");
    const image = await renditionsReach(accessToken, uploaded.id, ["unsupported", "done", "failed"]);
    expect(image).toMatchObject({ renditions_status: "unsupported", renditions_error: "metadata_kept", thumb_url: null, display_url: null });
    expect(await row(uploaded.id)).toMatchObject({ renditionsAttempts: 1, renditionsNextAttemptAt: null });
  });

  it.each([
    ["12,001 px a side", { width: 12_001, height: 900 }, "side_too_long"],
    ["over 100 megapixels", { width: 10_001, height: 10_000 }, "too_many_pixels"],
    ["over 100 MB", { size: 100_000_001 }, "file_too_large"],
  ])(
    "marks an image of %s (as its row says) unsupported with the reason, without reading it or calling the binding, and never retries it",
    async (_name, claims, reason) => {
      const { user, accessToken } = await newSignedInUser();
      const uploaded = await settledPng(accessToken);
      await awaitingRenditions(uploaded.id, claims);
      const requestsBefore = (await s3Requests(`users/${user.id}/`)).length;

      const { ids, result } = await deliver("eis-jobs", [renditionsJob(uploaded.id)]);
      expect(result.explicitAcks).toEqual(ids);
      expect(result.retryMessages).toEqual([]);
      expect(await getImage(accessToken, uploaded.id)).toMatchObject({ renditions_status: "unsupported", renditions_error: reason, thumb_url: null, display_url: null });
      expect(await row(uploaded.id)).toMatchObject({ renditionsAttempts: 1, renditionsNextAttemptAt: null });
      // The binding is given the original as the bucket streams it: no read, no call.
      expect((await s3Requests(`users/${user.id}/`)).slice(requestsBefore)).toEqual([]);
    },
  );

  it.each([
    ["IMAGES_MAX_INPUT_SIDE", "59", "side_too_long"],
    ["IMAGES_MAX_INPUT_PIXELS", "2399", "too_many_pixels"],
    ["IMAGES_MAX_INPUT_BYTES", "100", "file_too_large"],
  ])("takes its limits from configuration: %s=%s makes a 60×40 PNG unsupported (%s)", async (name, value, reason) => {
    const { accessToken } = await newSignedInUser();
    const uploaded = await settledPng(accessToken);
    await awaitingRenditions(uploaded.id);
    await deliver("eis-jobs", [renditionsJob(uploaded.id)], { bindings: { ...env, [name]: value } });
    expect(await getImage(accessToken, uploaded.id)).toMatchObject({ renditions_status: "unsupported", renditions_error: reason });
  });

  it("takes its formats from configuration: an AVIF is rendered where IMAGES_INPUT_FORMATS lists it (an Enterprise plan)", async () => {
    const { user, accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await encodeAs(await quadrantPng(90, 60), "image/avif"), name: "photo.avif" });
    await renditionsReach(accessToken, uploaded.id, ["done"]);
    await awaitingRenditions(uploaded.id);
    await deliver("eis-jobs", [renditionsJob(uploaded.id)], { bindings: { ...env, IMAGES_INPUT_FORMATS: "image/png, image/avif" } as Env });
    const image = await getImage(accessToken, uploaded.id);
    expect(image).toMatchObject({ renditions_status: "done" });
    const { bytes, headers } = await download(image.display_url);
    expect(headers.get("content-type")).toBe("image/webp");
    expect(webpChunks(bytes)).toContain("VP8 ");
    expect((await storedObjects(`renditions/users/${user.id}/`)).map((o) => o.key).sort()).toEqual([
      expect.stringMatching(/\.display\.webp$/),
      expect.stringMatching(/\.thumb\.webp$/),
    ]);
  });
});
