import { describe, expect, it } from "vitest";
import { allIds, app, bearer, json, newSignedInUser } from "../helpers";
import type { ImageBody } from "../image-helpers";
import { exifTiff, makeJpegWithMetadata, makePng } from "../images";

/** A JPEG the camera says was taken at `original` ("2008:10:22 23:30:00"), at `offset` when given. */
const takenAt = (original: string, offset?: string) =>
  makeJpegWithMetadata(16, 16, { exif: exifTiff({ dates: { original, offsetOriginal: offset } }), xmp: false, iptc: false, comment: false });

/** An image kept from the AI (its text stays the owner's), with the description given. */
async function upload(token: string, name: string, bytes: Uint8Array, description?: string): Promise<ImageBody> {
  const form = new FormData();
  form.append("image", new File([bytes], name));
  form.append("no_ai", "true");
  const res = await app("/images/upload", { method: "POST", headers: bearer(token), body: form });
  expect(res.status, await res.clone().text()).toBe(201);
  const { image } = await res.json<{ image: ImageBody }>();
  if (description) expect((await app(`/images/${image.id}`, json({ description }, { method: "PATCH", headers: bearer(token) }))).status).toBe(200);
  return image;
}

const search = async (token: string, q: string) => (await allIds(token, `/images?q=${encodeURIComponent(q)}&limit=2`)).sort();
const sorted = (...ids: string[]) => [...ids].sort();

describe("search by date", () => {
  it("finds a year, a month and a day in each written form, by the capture time the camera's clock showed", async () => {
    const { accessToken } = await newSignedInUser();
    // 23:30 at UTC−7 is already the 23rd in UTC: the timeline files it under the 22nd, and so does search.
    const late = await upload(accessToken, "late.jpg", takenAt("2008:10:22 23:30:00", "-07:00"));
    const early = await upload(accessToken, "early.jpg", takenAt("2008:10:01 00:00:00"));
    const november = await upload(accessToken, "november.jpg", takenAt("2008:11:01 00:00:00"));
    const other = await upload(accessToken, "other.jpg", takenAt("2019:07:14 10:00:00"));
    expect(late.timeline_date).toBe("2008-10-22");

    expect(await search(accessToken, "2008")).toEqual(sorted(late.id, early.id, november.id));
    expect(await search(accessToken, "2019")).toEqual([other.id]);
    for (const q of ["october 2008", "Oct 2008", "OCT. 2008", "2008-10", "2008-10 "]) expect(await search(accessToken, q), q).toEqual(sorted(late.id, early.id));
    for (const q of ["oct 22 2008", "22 oct 2008", "October 22, 2008", "22nd october 2008", "2008-10-22"]) expect(await search(accessToken, q), q).toEqual([late.id]);
    for (const q of ["oct 23 2008", "2008-10-23", "2008-09", "1999"]) expect(await search(accessToken, q), q).toEqual([]);
    expect(await search(accessToken, "2008-11-01")).toEqual([november.id]);
  });

  it("lists a date's images in the timeline's order, page by page", async () => {
    const { accessToken } = await newSignedInUser();
    const ids = [];
    for (const day of ["01", "02", "03", "04", "05"]) ids.push((await upload(accessToken, `d${day}.jpg`, takenAt(`2015:03:${day} 12:00:00`))).id);
    expect(await allIds(accessToken, `/images?q=${encodeURIComponent("march 2015")}&limit=2`)).toEqual(ids.reverse());
  });

  it("uses the upload time (UTC) for an image with no capture time", async () => {
    const { accessToken } = await newSignedInUser();
    const undated = await upload(accessToken, "undated.png", await makePng(8, 8, [10, 20, 30]));
    expect(undated.taken_at).toBeNull();
    const day = undated.created_at.slice(0, 10);
    expect(await search(accessToken, day)).toEqual([undated.id]);
    expect(await search(accessToken, day.slice(0, 7))).toEqual([undated.id]);
    expect(await search(accessToken, day.slice(0, 4))).toEqual([undated.id]);
  });

  it("with other words, finds images that match the words and were taken in that period", async () => {
    const { accessToken } = await newSignedInUser();
    const beach2019 = await upload(accessToken, "a.jpg", takenAt("2019:08:10 10:00:00"), "A sandy beach at low tide");
    await upload(accessToken, "b.jpg", takenAt("2018:08:10 10:00:00"), "A sandy beach at low tide");
    await upload(accessToken, "c.jpg", takenAt("2019:08:10 11:00:00"), "A mountain hut in the snow");
    for (const q of ["beach 2019", "2019 beach", "sandy august 2019 tide", "beach 2019-08-10", "beach aug 10 2019"]) expect(await search(accessToken, q), q).toEqual([beach2019.id]);
    expect(await search(accessToken, "beach 2017")).toEqual([]);
  });

  it("searches a number that is not a year, or a date that does not exist, as text", async () => {
    const { accessToken } = await newSignedInUser();
    const numbered = await upload(accessToken, "IMG_123.jpg", takenAt("2019:01:01 10:00:00"));
    const scan = await upload(accessToken, "scan-1234.jpg", takenAt("2019:01:02 10:00:00"));
    expect(await search(accessToken, "123")).toEqual(sorted(numbered.id, scan.id));
    expect(await search(accessToken, "1234")).toEqual([scan.id]);
    expect(await search(accessToken, "2019-02-30")).toEqual([]);
    expect(await search(accessToken, "october")).toEqual([]);
  });
});
