import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { AwsClient } from "aws4fetch";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { images } from "../../db/schema";
import worker from "../../index";
import { removeOrphanObjects } from "../../services/object-cleanup";
import { makeDueRenditions } from "../../services/renditions";
import { app, bearer, json, newSignedInUser, testDb, testDeps } from "../helpers";
import { analysisReaches, getImage, s3Fault, s3Requests, storedObjects, uploadOk } from "../image-helpers";
import { makeWebp } from "../images";
import { download, encodeAs, heicPhoto, quadrantPng, renditionsReach, withJpegOrientation } from "../rendition-helpers";

const inTwoHours = () => new Date(Date.now() + 2 * 60 * 60 * 1000);

/** The row as it was before renditions existed: pending, nothing made, the stored size, long ago. */
const asBeforeRenditions = (id: string, stored?: { width: number; height: number }) =>
  testDb()
    .update(images)
    .set({
      renditionsStatus: "pending", renditionsAttempts: 0, renditionsError: null, renditionsLeaseUntil: null, renditionsNextAttemptAt: null,
      thumbKey: null, thumbSize: null, thumbWidth: null, thumbHeight: null,
      displayKey: null, displaySize: null, displayWidth: null, displayHeight: null,
      createdAt: new Date("2000-01-01T00:00:00Z"),
      ...stored,
    })
    .where(eq(images.id, id));

const row = async (id: string) => (await testDb().select().from(images).where(eq(images.id, id)))[0];

const renditionPuts = async (userId: string) => (await s3Requests(`renditions/users/${userId}/`)).filter((r) => r.method === "PUT").length;

describe("rendition retries, backfill and clean-up", () => {
  it("records a body the binding cannot decode as failed, and the sweep retries it when due, up to 5 attempts", async () => {
    const { user, accessToken } = await newSignedInUser();
    // Box-valid, so the upload accepts it; its VP8 bitstream is noise.
    const uploaded = await uploadOk(accessToken, { bytes: makeWebp(64, 48, "vp8") });
    const failed = await renditionsReach(accessToken, uploaded.id, ["failed"]);
    expect(failed).toMatchObject({ thumb_url: null, display_url: null });
    const first = await row(uploaded.id);
    expect(first).toMatchObject({ renditionsAttempts: 1, renditionsError: "transform_failed" });
    const retryAt = first.renditionsNextAttemptAt?.getTime() ?? 0;
    expect(retryAt).toBeGreaterThan(Date.now());

    const deps = testDeps();
    expect(await makeDueRenditions(deps, new Date(retryAt - 1000), { userId: user.id })).toBe(0);
    expect(await makeDueRenditions(deps, new Date(retryAt), { userId: user.id })).toBe(1);
    expect(await row(uploaded.id)).toMatchObject({ renditionsStatus: "failed", renditionsAttempts: 2 });
    // Backoff stays under an hour: two hours further on, each next retry is due.
    const hoursOn = (hours: number) => new Date(Date.now() + hours * 60 * 60 * 1000);
    for (let attempt = 3; attempt <= 5; attempt++) expect(await makeDueRenditions(deps, hoursOn(2 * attempt), { userId: user.id })).toBe(1);
    expect(await row(uploaded.id)).toMatchObject({ renditionsStatus: "failed", renditionsAttempts: 5, renditionsNextAttemptAt: null });
    expect(await makeDueRenditions(deps, hoursOn(24), { userId: user.id })).toBe(0);
  });

  it("never retries an unsupported format", async () => {
    const { user, accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: heicPhoto() });
    await renditionsReach(accessToken, uploaded.id, ["unsupported"]);
    expect(await row(uploaded.id)).toMatchObject({ renditionsAttempts: 1, renditionsError: "unsupported_format", renditionsNextAttemptAt: null });
    expect(await makeDueRenditions(testDeps(), inTwoHours(), { userId: user.id })).toBe(0);
  });

  it("retries when the original cannot be read from the bucket, then makes them", async () => {
    const { user, accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await quadrantPng(200, 100) });
    await renditionsReach(accessToken, uploaded.id, ["done"]);
    // The analysis job reads the display rendition from the same prefix: left running, it could take the faults below.
    await analysisReaches(accessToken, uploaded.id, ["done"]);
    await asBeforeRenditions(uploaded.id);
    // aws4fetch retries once: both tries fail.
    await s3Fault({ method: "GET", keyPrefix: `users/${user.id}/`, faults: [{ type: "status", status: 503 }, { type: "status", status: 503 }] });
    const deps = testDeps();
    expect(await makeDueRenditions(deps, new Date(), { userId: user.id })).toBe(1);
    expect(await row(uploaded.id)).toMatchObject({ renditionsStatus: "failed", renditionsError: "storage_unavailable" });
    expect(await makeDueRenditions(deps, inTwoHours(), { userId: user.id })).toBe(1);
    expect(await getImage(accessToken, uploaded.id)).toMatchObject({ renditions_status: "done", thumb_url: expect.any(String) });
  });

  it("the cron sweep gives an image from before renditions its renditions and its displayed size, streaming the original", async () => {
    const { user, accessToken } = await newSignedInUser();
    const jpeg = withJpegOrientation(await encodeAs(await quadrantPng(600, 450), "image/jpeg"), 6);
    const uploaded = await uploadOk(accessToken, { bytes: jpeg });
    await renditionsReach(accessToken, uploaded.id, ["done"]);
    await analysisReaches(accessToken, uploaded.id, ["done"]);
    // Dated back, it is among the oldest due images whatever other test files leave behind.
    await asBeforeRenditions(uploaded.id, { width: 600, height: 450 });
    const readsBefore = await s3Requests(`users/${user.id}/`);

    const ctx = createExecutionContext();
    await worker.scheduled({ scheduledTime: Date.now(), cron: "* * * * *", noRetry() {} }, env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await getImage(accessToken, uploaded.id)).toMatchObject({ renditions_status: "done", width: 450, height: 600 });
    expect(await row(uploaded.id)).toMatchObject({ displayWidth: 450, displayHeight: 600, thumbWidth: 450, thumbHeight: 600 });
    expect((await s3Requests(`users/${user.id}/`)).slice(readsBefore.length).map((r) => r.method)).toEqual(["GET"]);
  });

  it("leaves a fresh upload to its own job, but takes over an attempt whose lease ran out", async () => {
    const { user, accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await quadrantPng(120, 90) });
    await renditionsReach(accessToken, uploaded.id, ["done"]);
    const deps = testDeps();
    await testDb().update(images).set({ renditionsStatus: "pending", renditionsAttempts: 0 }).where(eq(images.id, uploaded.id));
    expect(await makeDueRenditions(deps, new Date(), { userId: user.id })).toBe(0);

    const leaseUntil = new Date(Date.now() + 60_000);
    await testDb().update(images).set({ renditionsAttempts: 1, renditionsLeaseUntil: leaseUntil }).where(eq(images.id, uploaded.id));
    expect(await makeDueRenditions(deps, new Date(), { userId: user.id })).toBe(0);
    expect(await makeDueRenditions(deps, new Date(leaseUntil.getTime() + 1), { userId: user.id })).toBe(1);
    expect(await row(uploaded.id)).toMatchObject({ renditionsStatus: "done", renditionsAttempts: 2, renditionsLeaseUntil: null });
  });

  it("two sweeps at once make an image's renditions once", async () => {
    const { user, accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await quadrantPng(120, 90) });
    await renditionsReach(accessToken, uploaded.id, ["done"]);
    await asBeforeRenditions(uploaded.id);
    const before = await renditionPuts(user.id);
    const deps = testDeps();
    const claimed = await Promise.all([makeDueRenditions(deps, new Date(), { userId: user.id }), makeDueRenditions(deps, new Date(), { userId: user.id })]);
    expect(claimed.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(1);
    expect(await row(uploaded.id)).toMatchObject({ renditionsStatus: "done", renditionsAttempts: 1 });
    expect((await renditionPuts(user.id)) - before).toBe(2);
  });

  it.each([
    ["DELETE /images/:id", (token: string, id: string) => app(`/images/${id}`, { method: "DELETE", headers: bearer(token) })],
    ["a bulk delete", (token: string, id: string) => app("/images/bulk", json({ action: "delete", ids: [id] }, { headers: bearer(token) }))],
  ])("%s moves the image's renditions to the trash: out of the library, and their signed URLs stop answering", async (_path, remove) => {
    const { user, accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await quadrantPng(120, 90) });
    const { thumb_url, display_url } = await renditionsReach(accessToken, uploaded.id, ["done"]);
    expect(await storedObjects(`renditions/users/${user.id}/`)).toHaveLength(2);
    for (const url of [thumb_url, display_url]) await download(url);
    expect((await remove(accessToken, uploaded.id)).ok).toBe(true);
    expect(await storedObjects(`renditions/users/${user.id}/`)).toEqual([]);
    expect(await storedObjects(`users/${user.id}/`)).toEqual([]);
    expect(await storedObjects(`trash/renditions/users/${user.id}/`)).toHaveLength(2);
    for (const url of [thumb_url, display_url]) expect((await fetch(url ?? "")).status).toBe(404);
  });

  it("deleting the account deletes every rendition", async () => {
    const { user, accessToken } = await newSignedInUser();
    for (const size of [100, 120]) {
      const uploaded = await uploadOk(accessToken, { bytes: await quadrantPng(size, 90) });
      await renditionsReach(accessToken, uploaded.id, ["done"]);
    }
    expect(await storedObjects(`renditions/users/${user.id}/`)).toHaveLength(4);
    const res = await app("/auth/me", json({ password: user.password }, { method: "DELETE", headers: bearer(accessToken) }));
    expect(res.status).toBe(204);
    expect(await storedObjects(`renditions/users/${user.id}/`)).toEqual([]);
  });

  it("the orphan scan removes renditions whose image is gone, once an hour old, and keeps the others", async () => {
    const { user, accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await quadrantPng(120, 90) });
    await renditionsReach(accessToken, uploaded.id, ["done"]);
    const prefix = `renditions/users/${user.id}/`;
    const s3 = new AwsClient({ accessKeyId: inject("s3AccessKeyId"), secretAccessKey: inject("s3SecretAccessKey"), region: inject("s3Region"), service: "s3", retries: 0 });
    const stray = await s3.fetch(`${inject("s3Endpoint")}/${inject("s3Bucket")}/${prefix}${crypto.randomUUID()}.png.thumb.webp`, { method: "PUT", body: new Uint8Array([1, 2, 3]) });
    expect(stray.status).toBe(200);

    const deps = testDeps();
    expect(await removeOrphanObjects(deps, new Date(), prefix)).toBe(0);
    expect(await removeOrphanObjects(deps, inTwoHours(), prefix)).toBe(1);
    expect((await storedObjects(prefix)).map((o) => o.key).sort()).toEqual(
      [(await row(uploaded.id)).displayKey, (await row(uploaded.id)).thumbKey].sort(),
    );
  });
});
