import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { app, bearer, json, newSignedInUser, testDb } from "../helpers";
import { exifToolTags } from "../image-check";
import { type ImageBody, uploadOk } from "../image-helpers";
import { exifTiff, makeJpegWithMetadata, makePng } from "../images";

type Page = { images: ImageBody[]; next_cursor: string | null; prev_cursor: string | null };

/** A JPEG whose EXIF says it was taken at `original` ("2024:05:06 07:08:09"), with an offset when given. */
const photoTakenAt = (original: string, offsetOriginal?: string) =>
  makeJpegWithMetadata(16, 16, { exif: exifTiff({ dates: { original, offsetOriginal } }), xmp: false, iptc: false, comment: false });

const exifDate = (date: Date) => date.toISOString().slice(0, 19).replace(/-/g, ":").replace("T", " ");

async function list(token: string, query: string): Promise<Page> {
  const res = await app(`/images${query}`, { headers: bearer(token) });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<Page>();
}

async function walk(token: string, query: string, limit: number) {
  const seen: ImageBody[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await list(token, `?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ""}`);
    seen.push(...page.images);
    cursor = page.next_cursor;
  } while (cursor);
  return seen;
}

/** The timeline's order stated independently of the server: capture time, else upload time (UTC), newest first; ties by id. */
function timelineOrder(images: ImageBody[]) {
  const key = (image: ImageBody) => (image.taken_at ? `${image.taken_at.slice(0, 19)}.000` : image.created_at.slice(0, 23));
  return [...images].sort((a, b) => (key(a) === key(b) ? (a.id < b.id ? 1 : -1) : key(a) < key(b) ? 1 : -1)).map((image) => image.id);
}

describe("the timeline", () => {
  it("keeps the capture time on the row and shows it, while the stored file and the share page do not", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: photoTakenAt("2024:05:06 07:08:09", "+02:00"), name: "beach.jpg" });
    expect(image).toMatchObject({ taken_at: "2024-05-06T07:08:09+02:00", timeline_date: "2024-05-06" });
    const file = await fetch(image.file_url);
    const tags = await exifToolTags(new Uint8Array(await file.arrayBuffer()));
    expect(Object.keys(tags).filter((tag) => /DateTimeOriginal|CreateDate|OffsetTime/.test(tag))).toEqual([]);
    const share = await (await app(`/images/${image.id}/shares`, json({ expires_in: 3600 }, { headers: bearer(accessToken) }))).json<{ url: string }>();
    const page = await (await app(new URL(share.url).pathname)).text();
    expect(page).not.toMatch(/2024|07:08/);
  });

  it("has taken_at null, and files the image under its upload date, when the file says nothing", async () => {
    const { accessToken } = await newSignedInUser();
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, [1, 2, 3]) });
    expect(image.taken_at).toBeNull();
    expect(image.timeline_date).toBe(image.created_at.slice(0, 10));
  });

  it("orders by capture time, else upload time, newest first, and pages without gaps or repeats (ties and mixed nulls included)", async () => {
    const { accessToken } = await newSignedInUser();
    const soon = exifDate(new Date(Date.now() + 12 * 60 * 60 * 1000)); // a camera a few zones east: ahead of every upload
    const uploads = [
      photoTakenAt("2020:03:01 10:00:00"),
      photoTakenAt("2020:03:01 10:00:00"), // a tie: the id decides
      photoTakenAt("2020:03:01 10:00:00", "+09:00"), // same wall clock, another zone: still a tie on the camera's clock
      photoTakenAt("2019:12:31 23:59:59"),
      photoTakenAt("2021:07:04 12:00:00"),
      photoTakenAt(soon),
      await makePng(8, 8, [9, 9, 9]),
      await makePng(8, 8, [8, 8, 8]),
      photoTakenAt("2020:02:29 08:00:00"),
    ];
    const stored: ImageBody[] = [];
    for (const bytes of uploads) stored.push(await uploadOk(accessToken, { bytes }));
    const expected = timelineOrder(stored);
    expect(expected[0]).toBe(stored[5].id);
    for (const limit of [1, 2, 4, 100]) {
      expect((await walk(accessToken, "", limit)).map((image) => image.id), `limit ${limit}`).toEqual(expected);
    }
  });

  it("jumps to a month or a day, and the cursor goes on from there", async () => {
    const { accessToken } = await newSignedInUser();
    const dates = ["2024:06:01 00:00:00", "2024:05:31 23:59:59", "2024:05:10 09:00:00", "2024:04:30 12:00:00", "2023:05:20 12:00:00"];
    const stored: ImageBody[] = [];
    for (const date of dates) stored.push(await uploadOk(accessToken, { bytes: photoTakenAt(date) }));
    await uploadOk(accessToken, { bytes: await makePng(8, 8, [5, 5, 5]) }); // uploaded today: after every jump target
    expect((await walk(accessToken, "&from=2024-05", 1)).map((i) => i.id)).toEqual(stored.slice(1).map((i) => i.id));
    expect((await walk(accessToken, "&from=2024-05-10", 2)).map((i) => i.id)).toEqual(stored.slice(2).map((i) => i.id));
    expect((await list(accessToken, "?from=1950-01")).images).toEqual([]);
    expect((await list(accessToken, "?from=9999-12")).images).toHaveLength(dates.length + 1);
  });

  it("pages back up from a month with prev_cursor and before, newest first, meeting the newest page without gaps or repeats", async () => {
    const { accessToken } = await newSignedInUser();
    const other = await newSignedInUser();
    const dates = ["2024:06:01 00:00:00", "2024:06:01 00:00:00", "2024:05:31 23:59:59", "2024:05:10 09:00:00", "2024:04:30 12:00:00", "2024:04:02 12:00:00", "2023:05:20 12:00:00"];
    const stored: ImageBody[] = [];
    for (const date of dates) stored.push(await uploadOk(accessToken, { bytes: photoTakenAt(date) }));
    stored.push(await uploadOk(accessToken, { bytes: await makePng(8, 8, [7, 7, 7]) })); // today: the newest
    // Another user's images in the same months must never show up, whichever way the pages go.
    for (const date of ["2024:06:01 00:00:00", "2024:05:20 10:00:00", "2024:04:10 10:00:00"]) await uploadOk(other.accessToken, { bytes: photoTakenAt(date) });
    const expected = timelineOrder(stored);
    const aprilStart = expected.indexOf(stored[4].id);
    for (const limit of [1, 2, 3, 100]) {
      const jump = await list(accessToken, `?limit=${limit}&from=2024-04`);
      expect(jump.images[0].id).toBe(stored[4].id);
      expect(jump.prev_cursor).not.toBeNull();
      const newer: string[] = [];
      let before = jump.prev_cursor;
      while (before) {
        const page = await list(accessToken, `?limit=${limit}&before=${before}`);
        expect(page.images.length, `limit ${limit}`).toBeLessThanOrEqual(limit);
        newer.unshift(...page.images.map((image) => image.id));
        before = page.prev_cursor;
      }
      expect(newer, `limit ${limit}`).toEqual(expected.slice(0, aprilStart));
      // And down again from the same jump, with next_cursor.
      const older = [...jump.images];
      for (let cursor = jump.next_cursor; cursor; ) {
        const page: Page = await list(accessToken, `?limit=${limit}&cursor=${cursor}`);
        older.push(...page.images);
        cursor = page.next_cursor;
      }
      expect(older.map((image) => image.id), `limit ${limit}`).toEqual(expected.slice(aprilStart));
    }
    // A before page's own cursors go on both ways: back down to where it came from, and further up.
    const [newest, second] = expected;
    const middle = await list(accessToken, `?limit=2&cursor=${(await list(accessToken, "?limit=2")).next_cursor}`);
    const up = await list(accessToken, `?limit=2&before=${middle.prev_cursor}`);
    expect(up.images.map((image) => image.id)).toEqual([newest, second]);
    expect(up.prev_cursor).toBeNull();
    expect((await list(accessToken, `?limit=2&cursor=${up.next_cursor}`)).images.map((image) => image.id)).toEqual(middle.images.map((image) => image.id));
    // The newest page has nothing before it; a month past every image points up to all of them.
    expect((await list(accessToken, "?limit=2")).prev_cursor).toBeNull();
    const empty = await list(accessToken, "?from=1950-01");
    expect(empty.images).toEqual([]);
    expect(empty.prev_cursor).not.toBeNull();
    expect((await list(accessToken, `?limit=100&before=${empty.prev_cursor}`)).images.map((image) => image.id)).toEqual(expected);
  });

  it.each([
    ["with a cursor", (c: string) => `?before=${c}&cursor=${c}`],
    ["with from", (c: string) => `?before=${c}&from=2024-05`],
    ["in a search", (c: string) => `?before=${c}&q=beach`],
    ["malformed", () => "?before=bm90LWEtY3Vyc29y"],
  ])("refuses before %s with 400", async (_, query) => {
    const { accessToken } = await newSignedInUser();
    await uploadOk(accessToken, { bytes: await makePng(8, 8, [6, 6, 6]) });
    const jump = await list(accessToken, "?from=2020-01");
    const res = await app(`/images${query(jump.prev_cursor ?? "")}`, { headers: bearer(accessToken) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: expect.stringMatching(/before|cursor/) });
  });

  it("lists the months with images and how many each holds, newest first", async () => {
    const { accessToken } = await newSignedInUser();
    for (const date of ["2024:05:01 10:00:00", "2024:05:31 10:00:00", "2022:01:15 10:00:00"]) await uploadOk(accessToken, { bytes: photoTakenAt(date) });
    const today = await uploadOk(accessToken, { bytes: await makePng(8, 8, [4, 4, 4]) });
    const res = await app("/images/timeline", { headers: bearer(accessToken) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      months: [
        { month: today.timeline_date.slice(0, 7), count: 1 },
        { month: "2024-05", count: 2 },
        { month: "2022-01", count: 1 },
      ],
    });
  });

  it.each(["2024-13", "2024-02-30", "1899-12", "May", "2024-5", "2024-05-01T00:00"])("refuses from=%s with 400 naming from", async (from) => {
    const { accessToken } = await newSignedInUser();
    const res = await app(`/images?from=${from}`, { headers: bearer(accessToken) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_request", field: "from" });
  });

  it("reads the listing's order straight from an index, without sorting", async () => {
    const { user } = await newSignedInUser();
    const plan = await testDb().batch([
      testDb().execute(sql`set local enable_seqscan = off`),
      // A few rows make a bitmap scan and a sort look as cheap to the planner; the question is whether the index gives the order.
      testDb().execute(sql`set local enable_bitmapscan = off`),
      // The listing reads only the library (deleted_at is null): the index is partial on it.
      testDb().execute(sql`explain select id from images where user_id = ${user.id} and deleted_at is null
        and (timeline_at, id) < (${new Date().toISOString()}::timestamp, ${crypto.randomUUID()}::uuid)
        order by timeline_at desc, id desc limit 51`),
      // A before page (scrolling up after a jump) reads the same index backwards.
      testDb().execute(sql`explain select id from images where user_id = ${user.id} and deleted_at is null
        and (timeline_at, id) > (${new Date().toISOString()}::timestamp, ${crypto.randomUUID()}::uuid)
        order by timeline_at asc, id asc limit 51`),
    ]);
    for (const result of plan.slice(2)) {
      const lines = result.rows.map((row) => Object.values(row).join(" ")).join("\n");
      expect(lines).toContain("images_user_timeline_idx");
      expect(lines).not.toMatch(/\bSort\b/);
    }
  });

  it.each([
    ["the favourites", sql`favorite and deleted_at is null`, "images_user_favorite_idx", sql`timeline_at desc, id desc`],
    ["the trash", sql`deleted_at is not null`, "images_user_trash_idx", sql`deleted_at desc, id desc`],
  ])("reads %s' order straight from its own partial index, without sorting", async (_, where, index, order) => {
    const { user } = await newSignedInUser();
    const plan = await testDb().batch([
      testDb().execute(sql`set local enable_seqscan = off`),
      testDb().execute(sql`set local enable_bitmapscan = off`),
      testDb().execute(sql`explain select id from images where user_id = ${user.id} and ${where} order by ${order} limit 51`),
    ]);
    const lines = plan[2].rows.map((row) => Object.values(row).join(" ")).join("\n");
    expect(lines).toContain(index);
    expect(lines).not.toMatch(/\bSort\b/);
  });
});
