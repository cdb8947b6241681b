import { describe, expect, it } from "vitest";
import { app, bearer, newSignedInUser } from "../helpers";
import { storedObjects, uploadOk } from "../image-helpers";
import { makePng } from "../images";

describe("image ownership", () => {
  it.each([
    ["GET", ""],
    ["GET", "/file"],
    ["DELETE", ""],
  ])("%s /images/:id%s answers 404 for another user's image and leaves it alone", async (method, suffix) => {
    const owner = await newSignedInUser();
    const intruder = await newSignedInUser();
    const image = await uploadOk(owner.accessToken, { bytes: await makePng(8, 8, [1, 2, 3]) });
    const res = await app(`/images/${image.id}${suffix}`, { method, headers: bearer(intruder.accessToken), redirect: "manual" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: "No such image", code: "image_not_found" });
    expect((await app(`/images/${image.id}`, { headers: bearer(owner.accessToken) })).status).toBe(200);
    expect(await storedObjects(`users/${owner.user.id}/`)).toHaveLength(1);
  });

  it.each([["not-a-uuid"], ["1"], ["00000000-0000-0000-0000-00000000000g"], ["%00"]])("answers 404 for the id %s", async (id) => {
    const { accessToken } = await newSignedInUser();
    for (const [method, suffix] of [["GET", ""], ["GET", "/file"], ["DELETE", ""]]) {
      const res = await app(`/images/${id}${suffix}`, { method, headers: bearer(accessToken) });
      expect(res.status).toBe(404);
    }
  });
});

describe("DELETE /images/:id", () => {
  it("moves the image to the trash: 404 from then on, its object out of the library and its URL answering 404", async () => {
    const { user, accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, [9, 9, 9]) });
    const res = await app(`/images/${image.id}`, { method: "DELETE", headers: bearer(accessToken) });
    expect(res.status).toBe(204);
    expect((await app(`/images/${image.id}`, { headers: bearer(accessToken) })).status).toBe(404);
    expect(await storedObjects(`users/${user.id}/`)).toEqual([]);
    expect(await storedObjects(`trash/users/${user.id}/`)).toHaveLength(1);
    expect((await fetch(image.file_url)).status).toBe(404);
  });

  it("deleting the account removes every image and object, those in the trash too", async () => {
    const { user, accessToken } = await newSignedInUser();
    await uploadOk(accessToken, { bytes: await makePng(8, 8, [9, 9, 9]) });
    const trashed = await uploadOk(accessToken, { bytes: await makePng(8, 8, [9, 9, 8]) });
    expect((await app(`/images/${trashed.id}`, { method: "DELETE", headers: bearer(accessToken) })).status).toBe(204);
    const res = await app("/auth/me", { method: "DELETE", headers: { ...bearer(accessToken), "content-type": "application/json" }, body: JSON.stringify({ password: user.password }) });
    expect(res.status).toBe(204);
    expect(await storedObjects(`users/${user.id}/`)).toEqual([]);
    expect(await storedObjects(`trash/users/${user.id}/`)).toEqual([]);
  });
});
