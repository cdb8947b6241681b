import { describe, expect, it } from "vitest";
import { app, bearer, newSignedInUser } from "../helpers";
import { analysisReaches, uploadOk } from "../image-helpers";
import { makePng } from "../images";

const blue: [number, number, number] = [20, 40, 200];

/** The original system's routes at the root (routes/legacy.ts), answering as they did before the move. */
describe("GET /images?format=array", () => {
  it("answers one page of the listing as the original bare array", async () => {
    const { accessToken } = await newSignedInUser();
    const uploaded = await uploadOk(accessToken, { bytes: await makePng(8, 8, blue), name: "a.png" });
    const image = await analysisReaches(accessToken, uploaded.id, ["done"]);
    const res = await app("/images?format=array", { headers: bearer(accessToken) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { id: image.id, file_name: "a.png", file_url: expect.stringContaining("X-Amz-Signature="), ai_description: image.description },
    ]);
  });

  it("honours limit and cursor as the modern listing does", async () => {
    const { accessToken } = await newSignedInUser();
    const older = await uploadOk(accessToken, { bytes: await makePng(4, 4, [1, 1, 1]) });
    const newer = await uploadOk(accessToken, { bytes: await makePng(4, 4, [2, 2, 2]) });
    const firstPage = await (await app("/images?limit=1", { headers: bearer(accessToken) })).json<{ next_cursor: string }>();
    const first = await app("/images?format=array&limit=1", { headers: bearer(accessToken) });
    expect((await first.json<{ id: string }[]>()).map((i) => i.id)).toEqual([newer.id]);
    const second = await app(`/images?format=array&limit=1&cursor=${firstPage.next_cursor}`, { headers: bearer(accessToken) });
    expect((await second.json<{ id: string }[]>()).map((i) => i.id)).toEqual([older.id]);
  });

  it("leaves format=page and no format to the modern listing", async () => {
    const { accessToken } = await newSignedInUser();
    await uploadOk(accessToken, { bytes: await makePng(4, 4, [3, 3, 3]) });
    for (const query of ["", "?format=page"]) {
      const res = await app(`/images${query}`, { headers: bearer(accessToken) });
      expect(await res.json()).toMatchObject({ images: [expect.objectContaining({ analysis_status: expect.any(String) })], next_cursor: null });
    }
  });

  it("asks for the token first, then refuses another format with 400 naming format", async () => {
    expect((await app("/images?format=array")).status).toBe(401);
    expect((await app("/images?format=csv")).status).toBe(401);
    const { accessToken } = await newSignedInUser();
    const res = await app("/images?format=csv", { headers: bearer(accessToken) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "format: must be array or page", code: "invalid_request", field: "format" });
    const badLimit = await app("/images?format=array&limit=0", { headers: bearer(accessToken) });
    expect(await badLimit.json()).toMatchObject({ code: "invalid_request", field: "limit" });
  });

  it("applies only to reading the listing", async () => {
    const { accessToken } = await newSignedInUser();
    const res = await app("/images?format=array", { method: "POST", headers: bearer(accessToken) });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found" });
  });
});
