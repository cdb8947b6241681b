import { describe, expect, it } from "vitest";
import { updateImage } from "../../services/image-edits";
import { newSignedInUser, testDeps } from "../helpers";
import { analysisReaches, geminiCalls, s3Requests, sha256Hex, uploadOk } from "../image-helpers";
import { makePng } from "../images";
import { uploadKeptFromAi } from "../job-helpers";
import { renditionsReach } from "../rendition-helpers";

const plum: [number, number, number] = [142, 69, 133];

describe("follow-up work runs as jobs, off the request path", () => {
  it("makes no rendition or Gemini call on the upload's request: each is logged after its answer", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(24, 16, plum);
    const uploaded = await uploadOk(accessToken, { bytes });
    const answeredAt = new Date().toISOString();
    await renditionsReach(accessToken, uploaded.id, ["done"]);
    await analysisReaches(accessToken, uploaded.id, ["done"]);

    // A call made on the request's time is logged before its answer; the jobs' come after it.
    const original = await s3Requests(`users/${user.id}/`);
    expect(original.map((r) => r.method)).toEqual(["PUT", "GET", "GET"]);
    expect(original[0].at <= answeredAt).toBe(true);
    const later = [...original.slice(1), ...(await s3Requests(`renditions/users/${user.id}/`))];
    expect(later.map((r) => r.method).sort()).toEqual(["GET", "GET", "PUT", "PUT"]);
    const gemini = await geminiCalls(await sha256Hex(bytes));
    expect(gemini).toHaveLength(1);
    for (const request of [...later, ...gemini]) expect(request.at > answeredAt, `${JSON.stringify(request)} after ${answeredAt}`).toBe(true);
  });

  it("sends an image back to the AI when its owner allows it again", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(20, 12, plum);
    const uploaded = { id: await uploadKeptFromAi(accessToken, bytes) };
    await renditionsReach(accessToken, uploaded.id, ["done"]);
    expect(await geminiCalls(await sha256Hex(bytes))).toHaveLength(0);

    const image = await updateImage(testDeps(), { id: user.id, neverSendToAi: false }, uploaded.id, { no_ai: false }, async () => undefined);
    expect(image.analysisStatus).toBe("pending");
    expect(await analysisReaches(accessToken, uploaded.id, ["done"])).toMatchObject({ analysis_attempts: 1 });
    expect(await geminiCalls(await sha256Hex(bytes))).toHaveLength(1);
  });
});
