import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { analyzeDueImages } from "../../services/analysis";
import { newSignedInUser, testDeps } from "../helpers";
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

const teal: [number, number, number] = [0, 128, 128];
const inTenMinutes = () => new Date(Date.now() + 11 * 60_000);

afterEach(() => vi.restoreAllMocks());

async function freshImage() {
  const bytes = await makePng(40, 20, teal);
  return { bytes, sha256: await sha256Hex(bytes) };
}

describe("analysis off the request path", () => {
  it("answers the upload while Gemini is still working on the image", async () => {
    const { accessToken } = await newSignedInUser();
    const { bytes, sha256 } = await freshImage();
    await geminiFault({ sha256, faults: [{ type: "hold" }] });
    const { res } = await uploadWithBindings(patientGemini, accessToken, { bytes });
    expect(res.status).toBe(201);
    const { image } = await res.json<{ image: { id: string; analysis_status: string } }>();
    expect(image.analysis_status).toBe("pending");
    // Gemini holds its answer until the release below, so the upload was answered before it.
    await geminiIsWorkingOn(sha256);
    await releaseGemini(sha256);
    await analysisReaches(accessToken, image.id, ["done"]);
    expect((await geminiCalls(sha256)).map((c) => c.outcome)).toEqual(["ok"]);
  });

  it("fills every analysis field and keeps ai_description equal to description", async () => {
    const { accessToken } = await newSignedInUser();
    const { bytes, sha256 } = await freshImage();
    const uploaded = await uploadOk(accessToken, { bytes });
    const image = await analysisReaches(accessToken, uploaded.id, ["done"]);
    expect(image).toMatchObject({
      analysis_status: "done",
      analysis_attempts: 1,
      analysis_error: null,
      description: expect.stringContaining("40×20 PNG"),
      alt_text: expect.any(String),
      tags: expect.arrayContaining(["png"]),
      text: "",
      model: "local-stand-in-analyzer (offline)",
      analyzed_at: expect.stringMatching(/^\d{4}-/),
    });
    expect(image.ai_description).toBe(image.description);
    const calls = await geminiCalls(sha256);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ model: "gemini-2.5-flash", apiKeyInHeader: true, urlHadKey: false });
  });

  it("retries a 429 in the same run when its Retry-After is short, and completes only after the retry", async () => {
    const { accessToken } = await newSignedInUser();
    const { bytes, sha256 } = await freshImage();
    await geminiFault({ sha256, faults: [{ type: "status", status: 429, retryAfter: 0 }] });
    const uploaded = await uploadOk(accessToken, { bytes });
    const image = await analysisReaches(accessToken, uploaded.id, ["done"]);
    expect(image.analysis_attempts).toBe(2);
    expect((await geminiCalls(sha256)).map((c) => c.outcome)).toEqual(["fault:status", "ok"]);
  });

  it("schedules a 429's retry no earlier than its Retry-After and does not call Gemini before then", async () => {
    const { user, accessToken } = await newSignedInUser();
    const { bytes, sha256 } = await freshImage();
    // Longer than one run may wait, so the retry is left to the sweep and its due time shows on the image.
    await geminiFault({ sha256, faults: [{ type: "status", status: 429, retryAfter: 120 }] });
    const uploaded = await uploadOk(accessToken, { bytes });
    const limited = await analysisReaches(accessToken, uploaded.id, ["failed"], { attempts: 1 });
    expect(limited).toMatchObject({ analysis_error: "rate_limited", analysis_retry_at: expect.any(String) });
    const [rejected] = await geminiCalls(sha256);
    const retryAt = Date.parse(String(limited.analysis_retry_at));
    expect(retryAt).toBeGreaterThanOrEqual(Date.parse(rejected.at) + 120_000);

    const deps = testDeps();
    expect(await analyzeDueImages(deps, new Date(retryAt - 1), { userId: user.id })).toBe(0);
    expect(await geminiCalls(sha256)).toHaveLength(1);
    expect(await analyzeDueImages(deps, new Date(retryAt), { userId: user.id })).toBe(1);
    expect(await getImage(accessToken, uploaded.id)).toMatchObject({ analysis_status: "done", analysis_attempts: 2 });
    expect((await geminiCalls(sha256)).map((c) => c.outcome)).toEqual(["fault:status", "ok"]);
  });

  it("fails after three 500s in the request, then the sweep retries and succeeds", async () => {
    const { user, accessToken } = await newSignedInUser();
    const { bytes, sha256 } = await freshImage();
    const status500 = { type: "status", status: 500 };
    await geminiFault({ sha256, faults: [status500, status500, status500] });
    const uploaded = await uploadOk(accessToken, { bytes });
    const failed = await analysisReaches(accessToken, uploaded.id, ["failed"], { attempts: 3 });
    expect(failed).toMatchObject({ analysis_error: "upstream_error", analysis_retry_at: expect.any(String) });
    await analyzeDueImages(testDeps(), inTenMinutes(), { userId: user.id });
    expect(await analysisReaches(accessToken, uploaded.id, ["done"])).toMatchObject({ analysis_attempts: 4, analysis_error: null });
  });

  it.each([
    ["malformed JSON", "malformed", "malformed_response"],
    ["an answer that breaks the schema", "invalid_schema", "invalid_response"],
  ])("records %s as failed with a clear code", async (_name, type, code) => {
    const { accessToken } = await newSignedInUser();
    const { bytes, sha256 } = await freshImage();
    await geminiFault({ sha256, faults: [{ type }, { type }, { type }] });
    const uploaded = await uploadOk(accessToken, { bytes });
    const failed = await analysisReaches(accessToken, uploaded.id, ["failed"], { attempts: 3 });
    expect(failed).toMatchObject({ analysis_error: code, description: null });
  });

  it("records a safety block as failed with code blocked and does not retry it", async () => {
    const { user, accessToken } = await newSignedInUser();
    const { bytes, sha256 } = await freshImage();
    await geminiFault({ sha256, faults: [{ type: "safety" }] });
    const uploaded = await uploadOk(accessToken, { bytes });
    const failed = await analysisReaches(accessToken, uploaded.id, ["failed"], { attempts: 1 });
    expect(failed).toMatchObject({ analysis_error: "blocked", analysis_retry_at: null });
    expect(await analyzeDueImages(testDeps(), inTenMinutes(), { userId: user.id })).toBe(0);
    expect(await geminiCalls(sha256)).toHaveLength(1);
  });

  it("gives up on a request that times out and tries again", async () => {
    const { accessToken } = await newSignedInUser();
    const { bytes, sha256 } = await freshImage();
    await geminiFault({ sha256, faults: [{ type: "timeout" }] });
    const uploaded = await uploadOk(accessToken, { bytes });
    expect(await analysisReaches(accessToken, uploaded.id, ["done"])).toMatchObject({ analysis_attempts: 2 });
    expect((await geminiCalls(sha256)).map((c) => c.outcome)).toEqual(["fault:timeout", "ok"]);
  });

  it("never puts the API key in a URL or a log line", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const { accessToken } = await newSignedInUser();
    const { bytes, sha256 } = await freshImage();
    await geminiFault({ sha256, faults: [{ type: "status", status: 500 }] });
    const uploaded = await uploadOk(accessToken, { bytes });
    await analysisReaches(accessToken, uploaded.id, ["done"]);
    for (const call of await geminiCalls(sha256)) expect(call).toMatchObject({ urlHadKey: false, apiKeyInHeader: true });
    for (const line of lines) expect(line).not.toContain(env.GEMINI_API_KEY);
  });
});
