import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { images } from "../../db/schema";
import worker from "../../index";
import { analyzeDueImages } from "../../services/analysis";
import { allIds, app, bearer, newSignedInUser, testDb, testDeps } from "../helpers";
import {
  analysisReaches,
  geminiCalls,
  geminiFault,
  geminiIsWorkingOn,
  getImage,
  patientGemini,
  releaseGemini,
  sha256Hex,
  uploadOk,
} from "../image-helpers";
import { makePng } from "../images";

const amber: [number, number, number] = [255, 191, 0];

/** An uploaded image whose first analysis was blocked, so nothing else touches it. */
async function quietImage(token: string) {
  const bytes = await makePng(24, 24, amber);
  const sha256 = await sha256Hex(bytes);
  await geminiFault({ sha256, faults: [{ type: "safety" }] });
  const image = await uploadOk(token, { bytes });
  await analysisReaches(token, image.id, ["failed"], { attempts: 1 });
  return { id: image.id, sha256 };
}

describe("leases and claims", () => {
  it("reclaims an image whose worker died mid-analysis once its lease has run out", async () => {
    const { user, accessToken } = await newSignedInUser();
    const { id } = await quietImage(accessToken);
    const deps = testDeps();
    await testDb().update(images).set({ analysisStatus: "processing", leaseUntil: new Date(Date.now() + 60_000) }).where(eq(images.id, id));
    expect(await analyzeDueImages(deps, new Date(), { userId: user.id })).toBe(0); // lease still held
    await testDb().update(images).set({ leaseUntil: new Date(Date.now() - 1000) }).where(eq(images.id, id));
    expect(await analyzeDueImages(deps, new Date(), { userId: user.id })).toBe(1);
    expect(await getImage(accessToken, id)).toMatchObject({ analysis_status: "done" });
  });

  it("lets two concurrent sweeps analyse an image only once", async () => {
    const { user, accessToken } = await newSignedInUser();
    const { id, sha256 } = await quietImage(accessToken);
    await geminiFault({ sha256, faults: [{ type: "hold" }] });
    await testDb().update(images).set({ analysisStatus: "pending" }).where(eq(images.id, id));
    const deps = testDeps(patientGemini);
    const sweeps = [analyzeDueImages(deps, new Date(), { userId: user.id }), analyzeDueImages(deps, new Date(), { userId: user.id })];
    // One sweep's analysis is held at Gemini; the other finishes meanwhile without calling it.
    await Promise.race(sweeps);
    await geminiIsWorkingOn(sha256);
    expect(await geminiCalls(sha256)).toHaveLength(2); // the blocked first try, then exactly one more
    await releaseGemini(sha256);
    await Promise.all(sweeps);
    expect(await getImage(accessToken, id)).toMatchObject({ analysis_status: "done" });
    expect(await geminiCalls(sha256)).toHaveLength(2);
  });

  it("the cron handler runs the sweep", async () => {
    const { accessToken } = await newSignedInUser();
    const { id } = await quietImage(accessToken);
    // The sweep takes the oldest due images of all users, a few at a time: dated back, this one
    // goes first whatever other files have left due meanwhile.
    await testDb().update(images).set({ analysisStatus: "pending", createdAt: new Date("2000-01-01T00:00:00Z") }).where(eq(images.id, id));
    const ctx = createExecutionContext();
    await worker.scheduled({ scheduledTime: Date.now(), cron: "* * * * *", noRetry() {} }, env, ctx);
    await waitOnExecutionContext(ctx);
    await analysisReaches(accessToken, id, ["done"]);
  });
});

describe("re-analysis", () => {
  it("POST /images/:id/analyze answers 202, resets to pending and analyses again", async () => {
    const { accessToken } = await newSignedInUser();
    const { id, sha256 } = await quietImage(accessToken);
    const res = await app(`/images/${id}/analyze`, { method: "POST", headers: bearer(accessToken) });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ analysis_status: "pending" });
    expect(await analysisReaches(accessToken, id, ["done"])).toMatchObject({ analysis_attempts: 1, analysis_error: null });
    expect(await geminiCalls(sha256)).toHaveLength(2);
  });

  it("GET /images/analyze/:id runs a missing analysis first and returns it", async () => {
    const { accessToken } = await newSignedInUser();
    const { id } = await quietImage(accessToken);
    const res = await app(`/images/analyze/${id}`, { headers: bearer(accessToken) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, analysis_status: "done", ai_description: expect.stringContaining("Offline analysis") });
  });

  it("another user's image is 404 for both analysis routes", async () => {
    const owner = await newSignedInUser();
    const other = await newSignedInUser();
    const { id } = await quietImage(owner.accessToken);
    expect((await app(`/images/${id}/analyze`, { method: "POST", headers: bearer(other.accessToken) })).status).toBe(404);
    expect((await app(`/images/analyze/${id}`, { headers: bearer(other.accessToken) })).status).toBe(404);
  });

  it("without Gemini configured, uploads are skipped and re-analysis is refused with 409", async () => {
    const { GEMINI_API_KEY: _key, ...withoutGemini } = env;
    const { accessToken } = await newSignedInUser();
    const call = async (path: string, init: RequestInit) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`https://app.test${path}`, init), withoutGemini as Env, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    const form = new FormData();
    form.append("image", new File([await makePng(8, 8, amber)], "a.png"));
    const res = await call("/images/upload", { method: "POST", headers: bearer(accessToken), body: form });
    const { image } = await res.json<{ image: { id: string; analysis_status: string } }>();
    expect(image.analysis_status).toBe("skipped");
    const again = await call(`/images/${image.id}/analyze`, { method: "POST", headers: bearer(accessToken) });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "analysis_disabled" });
  });
});

describe("search", () => {
  async function describedImage(token: string, description: string, tags: string[]) {
    const { id } = await quietImage(token);
    await testDb().update(images).set({ analysisStatus: "done", description, tags, altText: "" }).where(eq(images.id, id));
    return id;
  }

  it("finds images by words of their description and tags, best match first", async () => {
    const { accessToken } = await newSignedInUser();
    const sunset = await describedImage(accessToken, "A sunset over the beach with orange clouds.", ["beach", "sunset"]);
    const dog = await describedImage(accessToken, "A dog running on the beach.", ["dog"]);
    await describedImage(accessToken, "A bowl of ramen.", ["food"]);
    const search = async (q: string) => {
      const res = await app(`/images?q=${encodeURIComponent(q)}`, { headers: bearer(accessToken) });
      expect(res.status).toBe(200);
      return (await res.json<{ images: { id: string }[] }>()).images.map((i) => i.id);
    };
    expect(await search("sunsets")).toEqual([sunset]); // stemmed
    expect(await search("beach")).toEqual([sunset, dog]);
    expect(await search("beach -dog")).toEqual([sunset]);
    expect(await search("giraffe")).toEqual([]);
  });

  it("filters by tag and pages search results without repeats", async () => {
    const { accessToken } = await newSignedInUser();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await describedImage(accessToken, `Mountain lake number ${i}`, ["lake", i === 0 ? "winter" : "summer"]));
    const tagged = await app("/images?tag=Winter", { headers: bearer(accessToken) });
    expect((await tagged.json<{ images: { id: string }[] }>()).images.map((i) => i.id)).toEqual([ids[0]]);

    expect((await allIds(accessToken, "/images?q=lake&limit=1")).sort()).toEqual([...ids].sort());
  });
});
