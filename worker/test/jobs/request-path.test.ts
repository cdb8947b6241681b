import { describe, expect, it } from "vitest";
import { updateImage } from "../../services/image-edits";
import { app, bearer, newSignedInUser, testDeps } from "../helpers";
import { analysisReaches, geminiCalls, s3Requests, sha256Hex, uploadOk } from "../image-helpers";
import { makePng } from "../images";

const plum: [number, number, number] = [142, 69, 133];

describe("services schedule their own follow-up work", () => {
  it("analyses a new upload from the bytes it had in memory, without reading the object back", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(24, 16, plum);
    const uploaded = await uploadOk(accessToken, { bytes });
    const done = await analysisReaches(accessToken, uploaded.id, ["done"]);
    expect(done.analysis_attempts).toBe(1);
    expect(await geminiCalls(await sha256Hex(bytes))).toHaveLength(1);
    const requests = await s3Requests(`users/${user.id}/`);
    expect(requests.map((r) => r.method)).toEqual(["PUT"]);
  });

  it("sends an image back to the AI when its owner allows it again, once the deferred work has run", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(20, 12, plum);
    const form = new FormData();
    form.append("image", new File([bytes], "kept.png"));
    form.append("no_ai", "true");
    const res = await app("/images/upload", { method: "POST", headers: bearer(accessToken), body: form });
    const uploaded = (await res.json<{ image: { id: string; analysis_status: string } }>()).image;
    expect(uploaded.analysis_status).toBe("skipped");

    const deps = testDeps();
    const image = await updateImage(deps, { id: user.id, neverSendToAi: false }, uploaded.id, { no_ai: false });
    expect(image.analysisStatus).toBe("pending");
    await deps.settled();
    expect(await analysisReaches(accessToken, uploaded.id, ["done"])).toMatchObject({ analysis_attempts: 1 });
    // Allowed again long after the upload: this analysis had to read the stored object.
    expect((await s3Requests(`users/${user.id}/`)).map((r) => r.method)).toEqual(["PUT", "GET"]);
  });
});
