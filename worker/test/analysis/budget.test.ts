import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { images } from "../../db/schema";
import { analyzeDueImages } from "../../services/analysis";
import { app, bearer, json, newSignedInUser, testDb, testDeps } from "../helpers";
import { analysisReaches, geminiCalls, geminiFault, getImage, sha256Hex, uploadOk } from "../image-helpers";
import { makePng } from "../images";

const teal: [number, number, number] = [0, 128, 128];

const reanalyse = (token: string, id: string) => app(`/images/${id}/analyze`, { method: "POST", headers: bearer(token) });
const setNoAi = (token: string, id: string, noAi: boolean) => app(`/images/${id}`, json({ no_ai: noAi }, { method: "PATCH", headers: bearer(token) }));

/** Re-analysis then waits until it is done, so the next request is not refused as in progress. */
async function reanalyseToTheEnd(token: string, id: string) {
  const res = await reanalyse(token, id);
  expect(res.status).toBe(202);
  await analysisReaches(token, id, ["done"]);
}

async function analysedImage(token: string) {
  const bytes = await makePng(16, 16, teal);
  const image = await uploadOk(token, { bytes });
  await analysisReaches(token, image.id, ["done"]);
  return { id: image.id, sha256: await sha256Hex(bytes) };
}

describe("re-analysis budget", () => {
  it("allows five re-analyses of one image a day, then 429 with Retry-After and no model call", async () => {
    const { accessToken } = await newSignedInUser();
    const { id, sha256 } = await analysedImage(accessToken);
    for (let i = 0; i < 5; i++) await reanalyseToTheEnd(accessToken, id);
    const refused = await reanalyse(accessToken, id);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "analysis_limit", message: expect.stringContaining("5 times a day") });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    expect(await geminiCalls(sha256)).toHaveLength(6); // the upload's analysis and five more
  });

  it("counts the original GET /images/analyze/:id when it starts a new analysis", async () => {
    const { accessToken } = await newSignedInUser();
    const bytes = await makePng(16, 16, teal);
    const sha256 = await sha256Hex(bytes);
    await geminiFault({ sha256, faults: [{ type: "safety" }] });
    const image = await uploadOk(accessToken, { bytes });
    await analysisReaches(accessToken, image.id, ["failed"], { attempts: 1 });
    await testDb().update(images).set({ reanalyses: 5, reanalysesWindowStart: sql`now()` }).where(eq(images.id, image.id));

    const res = await app(`/images/analyze/${image.id}`, { headers: bearer(accessToken) });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ code: "analysis_limit" });
    expect(await geminiCalls(sha256)).toHaveLength(1);
  });

  it("allows a user ten re-analyses a minute across images, then 429 with Retry-After", async () => {
    const { accessToken } = await newSignedInUser();
    const images = await Promise.all(Array.from({ length: 11 }, () => analysedImage(accessToken)));
    // Sent back to back, inside one window of the per-user limit: waiting for each analysis (a
    // queue job) could let the window roll over on a loaded machine.
    for (const image of images.slice(0, 10)) expect((await reanalyse(accessToken, image.id)).status).toBe(202);
    const last = images[10];
    const refused = await reanalyse(accessToken, last.id);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "rate_limited" });
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(await geminiCalls(last.sha256)).toHaveLength(1);
  });
});

describe("turning AI back on (issue 24, item 3)", () => {
  it("spends one of the image's five re-analyses a day each time, so the sixth is refused whichever way it is asked", async () => {
    const { accessToken } = await newSignedInUser();
    const { id, sha256 } = await analysedImage(accessToken);
    for (let i = 0; i < 5; i++) {
      expect((await setNoAi(accessToken, id, true)).status).toBe(200);
      expect(await (await setNoAi(accessToken, id, false)).json()).toMatchObject({ no_ai: false, analysis_status: "pending" });
      await analysisReaches(accessToken, id, ["done"]);
    }
    const refused = await reanalyse(accessToken, id);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "analysis_limit" });
    expect(await geminiCalls(sha256)).toHaveLength(6);
  });

  it("starts no model call once the image's five a day are spent: after the 429, eight toggles of no_ai leave it allowed but not analysed", async () => {
    const { accessToken } = await newSignedInUser();
    const { id, sha256 } = await analysedImage(accessToken);
    for (let i = 0; i < 5; i++) await reanalyseToTheEnd(accessToken, id);
    expect((await reanalyse(accessToken, id)).status).toBe(429);
    for (let i = 0; i < 8; i++) {
      expect((await setNoAi(accessToken, id, true)).status).toBe(200);
      const allowed = await setNoAi(accessToken, id, false);
      expect(allowed.status).toBe(200);
      expect(await allowed.json()).toMatchObject({ no_ai: false });
      await analysisReaches(accessToken, id, ["done", "skipped"]);
    }
    expect(await getImage(accessToken, id)).toMatchObject({ no_ai: false, analysis_status: "skipped", analysis_error: "analysis_limit" });
    expect(await geminiCalls(sha256)).toHaveLength(6); // the upload's analysis and five re-analyses
  });

  it("bulk set_no_ai false spends the same budgets: at most the user's ten a minute start, none for an image whose five a day are spent", async () => {
    const { user, accessToken } = await newSignedInUser();
    const kept: { id: string; sha256: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const bytes = await makePng(12, 12, [i * 20, 90, 160]);
      const form = new FormData();
      form.append("image", new File([bytes], `kept-${i}.png`));
      form.append("no_ai", "true");
      const res = await app("/images/upload", { method: "POST", headers: bearer(accessToken), body: form });
      kept.push({ id: (await res.json<{ image: { id: string } }>()).image.id, sha256: await sha256Hex(bytes) });
    }
    const [spent] = kept;
    await testDb().update(images).set({ reanalyses: 5, reanalysesWindowStart: sql`now()` }).where(eq(images.id, spent.id));

    const res = await app("/images/bulk", json({ action: "set_no_ai", no_ai: false, ids: kept.map((image) => image.id) }, { headers: bearer(accessToken) }));
    expect(res.status).toBe(200);
    expect((await res.json<{ summary: unknown }>()).summary).toEqual({ succeeded: 12, failed: 0 });
    await analyzeDueImages(testDeps(), new Date(), { userId: user.id, batch: 50 }); // the sweep's share of them
    const settled = await Promise.all(kept.map((image) => analysisReaches(accessToken, image.id, ["done", "skipped"])));

    expect(settled.every((image) => !image.no_ai)).toBe(true);
    expect(settled[0]).toMatchObject({ analysis_status: "skipped", analysis_error: "analysis_limit" });
    expect(settled.filter((image) => image.analysis_status === "done")).toHaveLength(10);
    expect(settled.slice(1).filter((image) => image.analysis_status === "skipped").map((image) => image.analysis_error)).toEqual(["rate_limited"]);
    const calls = await Promise.all(kept.map((image) => geminiCalls(image.sha256)));
    expect(calls.flat()).toHaveLength(10);
  });
});
