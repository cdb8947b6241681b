import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { images } from "../../db/schema";
import { analyzeDueImages } from "../../services/analysis";
import { app, bearer, json, newSignedInUser, testDb, testDeps } from "../helpers";
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
  uploadWithBindings,
} from "../image-helpers";
import { makePng } from "../images";

const violet: [number, number, number] = [140, 60, 200];
const later = () => new Date(Date.now() + 60 * 60_000);

function uploadWith(token: string, bytes: Uint8Array, fields: Record<string, string>) {
  const form = new FormData();
  form.append("image", new File([bytes], "private.png"));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return app("/images/upload", { method: "POST", headers: bearer(token), body: form });
}

describe("never send to AI", () => {
  it("an upload with no_ai=true is skipped and never reaches Gemini, by any path", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(20, 20, violet);
    const res = await uploadWith(accessToken, bytes, { no_ai: "true" });
    expect(res.status).toBe(201);
    const { image } = await res.json<{ image: { id: string; analysis_status: string; no_ai: boolean } }>();
    expect(image).toMatchObject({ analysis_status: "skipped", no_ai: true });

    await analyzeDueImages(testDeps(), later(), { userId: user.id });
    const reanalyse = await app(`/images/${image.id}/analyze`, { method: "POST", headers: bearer(accessToken) });
    expect(reanalyse.status).toBe(409);
    expect(await reanalyse.json()).toMatchObject({ code: "no_ai", message: expect.stringContaining("never to be sent to the AI") });
    expect((await app(`/images/analyze/${image.id}`, { headers: bearer(accessToken) })).status).toBe(409);

    expect(await geminiCalls(await sha256Hex(bytes))).toEqual([]);
    expect(await getImage(accessToken, image.id)).toMatchObject({ analysis_status: "skipped", description: null });
  });

  it("rejects a no_ai value other than true or false", async () => {
    const { accessToken } = await newSignedInUser();
    const res = await uploadWith(accessToken, await makePng(8, 8, violet), { no_ai: "yes" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "no_ai" });
  });

  it("PATCH no_ai=true deletes the stored AI text; false sends it to analysis again", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(20, 20, violet) });
    await analysisReaches(accessToken, image.id, ["done"]);
    const off = await app(`/images/${image.id}`, json({ no_ai: true }, { method: "PATCH", headers: bearer(accessToken) }));
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ no_ai: true, analysis_status: "skipped", description: null, alt_text: null, tags: [], model: null, ai_description: null });
    const on = await app(`/images/${image.id}`, json({ no_ai: false }, { method: "PATCH", headers: bearer(accessToken) }));
    expect(await on.json()).toMatchObject({ no_ai: false, analysis_status: "pending" });
    await analysisReaches(accessToken, image.id, ["done"]);
  });

  it("the account setting withdraws existing images and keeps new uploads from the AI", async () => {
    const { accessToken } = await newSignedInUser();
    const earlier = await uploadOk(accessToken, { bytes: await makePng(20, 20, violet) });
    await analysisReaches(accessToken, earlier.id, ["done"]);

    const res = await app("/auth/me", json({ never_send_to_ai: true }, { method: "PATCH", headers: bearer(accessToken) }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ settings: { never_send_to_ai: true, keep_metadata: false } });
    expect(await getImage(accessToken, earlier.id)).toMatchObject({ no_ai: true, analysis_status: "skipped", description: null });

    const bytes = await makePng(20, 20, violet);
    // The account default wins over a per-upload attempt to opt back in.
    const fresh = await (await uploadWith(accessToken, bytes, { no_ai: "false" })).json<{ image: { analysis_status: string } }>();
    expect(fresh.image.analysis_status).toBe("skipped");
    expect(await geminiCalls(await sha256Hex(bytes))).toEqual([]);
    const me = await app("/auth/me", { headers: bearer(accessToken) });
    expect(await me.json()).toMatchObject({ settings: { never_send_to_ai: true } });
  });

  it("the account setting wins over a per-image opt-in: PATCH no_ai=false is 409 and nothing reaches Gemini", async () => {
    const { accessToken } = await newSignedInUser();
    const bytes = await makePng(20, 20, violet);
    const image = await uploadOk(accessToken, { bytes });
    await analysisReaches(accessToken, image.id, ["done"]);
    const calls = (await geminiCalls(await sha256Hex(bytes))).length;
    await app("/auth/me", json({ never_send_to_ai: true }, { method: "PATCH", headers: bearer(accessToken) }));

    const res = await app(`/images/${image.id}`, json({ no_ai: false }, { method: "PATCH", headers: bearer(accessToken) }));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "account_never_send_to_ai", message: expect.stringContaining("account") });
    expect(await getImage(accessToken, image.id)).toMatchObject({ no_ai: true, analysis_status: "skipped" });
    // Edits that do not touch no_ai still work.
    const edit = await app(`/images/${image.id}`, json({ alt_text: "violet square", no_ai: true }, { method: "PATCH", headers: bearer(accessToken) }));
    expect(edit.status).toBe(200);
    expect(await geminiCalls(await sha256Hex(bytes))).toHaveLength(calls);
  });

  it("the account setting keeps every path from the AI, even for an image whose own flag is off", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(20, 20, violet);
    const image = await uploadOk(accessToken, { bytes });
    await analysisReaches(accessToken, image.id, ["done"]);
    await app("/auth/me", json({ never_send_to_ai: true }, { method: "PATCH", headers: bearer(accessToken) }));
    // As an image opted back in before the account setting won could be left.
    await testDb().update(images).set({ noAi: false, analysisStatus: "failed", nextAttemptAt: new Date() }).where(eq(images.id, image.id));
    const calls = (await geminiCalls(await sha256Hex(bytes))).length;

    const reanalyse = await app(`/images/${image.id}/analyze`, { method: "POST", headers: bearer(accessToken) });
    expect(reanalyse.status).toBe(409);
    expect(await reanalyse.json()).toMatchObject({ code: "account_never_send_to_ai" });
    const original = await app(`/images/analyze/${image.id}`, { headers: bearer(accessToken) });
    expect(original.status).toBe(409);
    expect(await original.json()).toMatchObject({ code: "account_never_send_to_ai" });
    await analyzeDueImages(testDeps(), later(), { userId: user.id });
    expect(await geminiCalls(await sha256Hex(bytes))).toHaveLength(calls);
  });

  it("refuses unknown settings", async () => {
    const { accessToken } = await newSignedInUser();
    const res = await app("/auth/me", json({ is_admin: true }, { method: "PATCH", headers: bearer(accessToken) }));
    expect(res.status).toBe(400);
  });
});

describe("provenance and edits", () => {
  it("records the model, time, prompt hash and attempts, and flags a person's edits", async () => {
    const { accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await makePng(20, 20, violet) });
    const analysed = await analysisReaches(accessToken, uploaded.id, ["done"]);
    expect(analysed).toMatchObject({
      model: "local-stand-in-analyzer (offline)",
      analyzed_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      prompt_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      analysis_attempts: 1,
      edited_by_user: false,
    });
    const res = await app(`/images/${uploaded.id}`, json({ description: "My cat\u0007 on the sofa\u202E.", tags: ["Cat", "sofa!", "cat"] }, { method: "PATCH", headers: bearer(accessToken) }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ description: "My cat on the sofa .", ai_description: "My cat on the sofa .", tags: ["cat", "sofa"], edited_by_user: true, model: analysed.model });
  });

  it.each([
    [{ description: "x".repeat(501) }, "description"],
    [{ alt_text: "x".repeat(151) }, "alt_text"],
    [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, "tags"],
    [{ tags: "cat" }, "tags"],
    [{ no_ai: "true" }, "no_ai"],
  ])("refuses an invalid edit %j with 400 naming the field", async (body, field) => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, violet) });
    const res = await app(`/images/${image.id}`, json(body, { method: "PATCH", headers: bearer(accessToken) }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_request", field });
  });

  it("keeps an edit made while the analysis is still running", async () => {
    const { accessToken } = await newSignedInUser();
    const bytes = await makePng(20, 20, violet);
    const sha256 = await sha256Hex(bytes);
    await geminiFault({ sha256, faults: [{ type: "hold" }] });
    const { res } = await uploadWithBindings(patientGemini, accessToken, { bytes });
    const { image: uploaded } = await res.json<{ image: { id: string } }>();
    await geminiIsWorkingOn(sha256);
    const edit = await app(`/images/${uploaded.id}`, json({ alt_text: "Written by me" }, { method: "PATCH", headers: bearer(accessToken) }));
    expect(edit.status).toBe(200);
    expect(await edit.json()).toMatchObject({ analysis_status: "processing", alt_text: "Written by me" });
    await releaseGemini(sha256);
    const done = await analysisReaches(accessToken, uploaded.id, ["done"]);
    expect(done).toMatchObject({ alt_text: "Written by me", edited_by_user: true, model: "local-stand-in-analyzer (offline)" });
    expect(done.description).toContain("Offline analysis"); // fields the owner did not touch still come from the AI
  });

  it("another user cannot edit the image", async () => {
    const owner = await newSignedInUser();
    const other = await newSignedInUser();
    const image = await uploadOk(owner.accessToken, { bytes: await makePng(8, 8, violet) });
    const res = await app(`/images/${image.id}`, json({ description: "mine now" }, { method: "PATCH", headers: bearer(other.accessToken) }));
    expect(res.status).toBe(404);
  });
});
