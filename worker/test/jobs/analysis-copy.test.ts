import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { analysisMaxSide } from "../../services/analysis-copy";
import { updateImage } from "../../services/image-edits";
import { app, bearer, newSignedInUser, testDeps } from "../helpers";
import { analysisReaches, geminiCalls, type ImageBody, s3Requests, sha256Hex, uploadOk } from "../image-helpers";
import { makeGif, makeHeic } from "../images";
import { deliver } from "../job-helpers";
import { encodeAs, quadrantPng, renditionsReach } from "../rendition-helpers";

afterEach(() => vi.restoreAllMocks());

interface LoggedCall {
  at: string;
  mimeType: string | null;
  bytes: number;
  displayWidth: number | null;
  displayHeight: number | null;
}

/** Every call the Gemini stand-in logged after `since`. */
async function geminiCallsSince(since: string): Promise<LoggedCall[]> {
  const res = await fetch(`${inject("geminiUrl")}/__admin/requests`, { headers: { "x-admin-token": inject("adminToken") } });
  return (await res.json<{ requests: LoggedCall[] }>()).requests.filter((call) => call.at > since);
}

describe("what Gemini is sent", () => {
  it("sends a copy of at most 1,024 px made from the display rendition, never a large original", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await quadrantPng(2400, 1600);
    const since = new Date().toISOString();
    const uploaded = await uploadOk(accessToken, { bytes, name: "wide.png" });
    const image = await analysisReaches(accessToken, uploaded.id, ["done"], { timeoutMs: 30_000 });

    expect(await geminiCalls(await sha256Hex(bytes))).toEqual([]);
    // The stand-in describes what it received: this image's description names the copy's size.
    const seen = /(\d+)×(\d+)/.exec(image.description ?? "");
    expect(seen, image.description ?? "").not.toBeNull();
    const [width, height] = [Number(seen?.[1]), Number(seen?.[2])];
    expect(Math.max(width, height)).toBe(analysisMaxSide);
    expect(width / height).toBeCloseTo(1.5, 1);
    const copies = (await geminiCallsSince(since)).filter((call) => call.displayWidth === width && call.displayHeight === height);
    expect(copies.length).toBeGreaterThanOrEqual(1);
    expect(copies[0].mimeType).toBe("image/webp");
    expect(copies[0].bytes).toBeLessThan(bytes.length);
    // Read from the display rendition (≤ 2,048 px): the original was read once, by the renditions job.
    const reads = (await s3Requests(`renditions/users/${user.id}/`)).filter((r) => r.method === "GET");
    expect(reads.map((r) => r.key)).toEqual([expect.stringMatching(/\.display\.webp$/)]);
    expect((await s3Requests(`users/${user.id}/`)).map((r) => r.method)).toEqual(["PUT", "GET"]);
  });

  it("sends a small GIF, a type Gemini does not take, as a WebP copy of its first frame", async () => {
    const { accessToken } = await newSignedInUser();
    const gif = makeGif(60, 40);
    const since = new Date().toISOString();
    const uploaded = await uploadOk(accessToken, { bytes: gif, name: "small.gif" });
    const image = await analysisReaches(accessToken, uploaded.id, ["done"]);
    expect(await geminiCalls(uploaded.sha256)).toEqual([]);
    expect(image.description).toContain("60×40");
    const copies = (await geminiCallsSince(since)).filter((call) => call.displayWidth === 60 && call.displayHeight === 40);
    expect(copies.map((call) => call.mimeType)).toContain("image/webp");
  });

  it("falls back to the original for a large HEIC the local Images binding cannot read", async () => {
    const { accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: makeHeic(2000, 1500), name: "phone.heic" });
    await analysisReaches(accessToken, uploaded.id, ["done"], { timeoutMs: 30_000 });
    const calls = await geminiCalls(uploaded.sha256);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ outcome: "ok" });
  });

  it("sends a large AVIF's stored original: the binding is asked for no copy of a format it is configured not to read", async () => {
    const { accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await encodeAs(await quadrantPng(2400, 1600), "image/avif"), name: "wide.avif" });
    const image = await analysisReaches(accessToken, uploaded.id, ["done", "failed"], { timeoutMs: 30_000 });
    expect(image.analysis_status).toBe("done");
    // The stand-in logs the SHA-256 of the image it was sent: the stored original's.
    expect(await geminiCalls(uploaded.sha256)).toHaveLength(1);
  });

  it("sends the original when the display rendition is beyond the binding's configured limits (IMAGES_MAX_INPUT_PIXELS)", async () => {
    const { user, accessToken } = await newSignedInUser();
    const form = new FormData();
    form.append("image", new File([await quadrantPng(2400, 1600)], "wide.png"));
    form.append("no_ai", "true");
    const res = await app("/images/upload", { method: "POST", headers: bearer(accessToken), body: form });
    const uploaded = (await res.json<{ image: ImageBody }>()).image;
    await renditionsReach(accessToken, uploaded.id, ["done"]); // display: 2,048 × 1,365 px, 2.8 MP
    await updateImage(testDeps(), { id: user.id, neverSendToAi: false }, uploaded.id, { no_ai: false }, async () => undefined, { analyseNow: false });

    await deliver("eis-jobs", [{ kind: "analysis", imageId: uploaded.id, attempt: 1 }], { bindings: { ...env, IMAGES_MAX_INPUT_PIXELS: "2000000" } as Env });
    expect(await analysisReaches(accessToken, uploaded.id, ["done", "failed"])).toMatchObject({ analysis_status: "done" });
    expect(await geminiCalls(uploaded.sha256)).toHaveLength(1);
  });
});
