import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { images } from "../../db/schema";
import { app, bearer, newSignedInUser, testDb } from "../helpers";
import { analysisReaches, geminiCalls, geminiFault, sha256Hex, uploadOk } from "../image-helpers";
import { makePng } from "../images";

const teal: [number, number, number] = [0, 128, 128];

const reanalyse = (token: string, id: string) => app(`/images/${id}/analyze`, { method: "POST", headers: bearer(token) });

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
    const [first, second, third] = await Promise.all([analysedImage(accessToken), analysedImage(accessToken), analysedImage(accessToken)]);
    for (let i = 0; i < 5; i++) await reanalyseToTheEnd(accessToken, first.id);
    for (let i = 0; i < 5; i++) await reanalyseToTheEnd(accessToken, second.id);
    const refused = await reanalyse(accessToken, third.id);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "rate_limited" });
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(await geminiCalls(third.sha256)).toHaveLength(1);
  });
});
