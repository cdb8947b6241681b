import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { analysisMaxSide } from "../../services/analysis";
import { newSignedInUser } from "../helpers";
import { analysisReaches, geminiCalls, s3Requests, sha256Hex, uploadOk } from "../image-helpers";
import { makeHeic } from "../images";
import { quadrantPng } from "../rendition-helpers";

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

  it("falls back to the original for a large HEIC the local Images binding cannot read", async () => {
    const { accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: makeHeic(2000, 1500), name: "phone.heic" });
    await analysisReaches(accessToken, uploaded.id, ["done"], { timeoutMs: 30_000 });
    const calls = await geminiCalls(uploaded.sha256);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ outcome: "ok" });
  });
});
