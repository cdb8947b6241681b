import { describe, expect, it } from "vitest";
import { app, bearer, eventually, json, newSignedInUser } from "../helpers";
import { getImage, storedObjects } from "../image-helpers";
import { makeNoisePng, makePng } from "../images";
import {
  abortUpload,
  capabilityEndpoint,
  companion,
  completeUpload,
  createUpload,
  listUploadParts,
  sendPart,
  uploadDirect,
  uploadSettles,
  type UploadVia,
} from "../direct-upload-helpers";

const teal: [number, number, number] = [0, 128, 128];

describe("direct uploads on Companion's S3 routes", () => {
  it("takes a small image in one part through /uploads with the bearer token, and it becomes an image", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(40, 30, teal);
    const { upload, completed } = await uploadDirect({ token: accessToken }, { bytes, name: "teal.png", type: "image/png" });
    expect(upload.key).toMatch(new RegExp(`^incoming/${user.id}/[0-9a-f-]{36}$`));
    expect(completed.location).toBe(`/uploads/${completed.upload_id}`);
    const done = await uploadSettles(accessToken, completed.location);
    expect(done).toMatchObject({ status: "done", error: null, duplicate: false });
    expect(await getImage(accessToken, done.image_id ?? "")).toMatchObject({ file_name: "teal.png", content_type: "image/png", width: 40, height: 30 });
    // The incoming object is gone; the image has its own.
    await eventually(async () => expect(await storedObjects(`incoming/${user.id}/`)).toEqual([]));
  });

  it("answers the part URLs with the creation when asked for part_count, no more than the declared size allows, and they take the parts", async () => {
    const { accessToken } = await newSignedInUser();
    const via = { token: accessToken };
    const bytes = await makePng(24, 16, teal);
    const plain = await createUpload(via, { filename: "plain.png", type: "image/png", metadata: { size: bytes.length } });
    expect(plain).not.toHaveProperty("part_urls");
    const upload = await createUpload(via, { filename: "signed.png", type: "image/png", metadata: { size: bytes.length, part_count: "3" } });
    const { part_urls: partUrls, expires } = upload as typeof upload & { part_urls: { PartNumber: number; url: string }[]; expires: number };
    expect(partUrls.map((part) => part.PartNumber)).toEqual([1]);
    expect(expires).toBe(3600);
    const put = await fetch(partUrls[0].url, { method: "PUT", body: bytes });
    expect(put.status).toBe(200);
    const res = await completeUpload(via, upload, [{ PartNumber: 1, ETag: put.headers.get("etag") ?? "" }]);
    expect(res.status).toBe(200);
    expect(await uploadSettles(accessToken, (await res.json<{ location: string }>()).location)).toMatchObject({ status: "done" });
  });

  it("works through a capability endpoint with no Authorization header, as Uppy sends its requests", async () => {
    const { accessToken } = await newSignedInUser();
    const endpoint = await capabilityEndpoint(accessToken);
    expect(endpoint).toMatch(/^\/uploads\/c\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const { completed } = await uploadDirect({ endpoint }, { bytes: await makePng(12, 10, teal), name: "cap.png", type: "image/png" });
    expect(await uploadSettles(accessToken, completed.location)).toMatchObject({ status: "done" });
  });

  it("refuses an access token as a capability, a capability as a bearer token, and a capability after sign-out", async () => {
    const { accessToken, refreshToken } = await newSignedInUser();
    const endpoint = await capabilityEndpoint(accessToken);
    const capability = endpoint.split("/").at(-1) ?? "";
    expect((await companion({ endpoint: `/uploads/c/${accessToken}` }, "/s3/multipart", json({ filename: "a.png", type: "image/png" }))).status).toBe(401);
    expect((await companion({ token: capability }, "/s3/multipart", json({ filename: "a.png", type: "image/png" }))).status).toBe(401);
    const logout = await app("/auth/logout", json({ refresh_token: refreshToken }, { headers: bearer(accessToken) }));
    expect(logout.status).toBeLessThan(300);
    expect((await companion({ endpoint }, "/s3/multipart", json({ filename: "a.png", type: "image/png" }))).status).toBe(401);
  });

  it("takes a 12 MB image in three parts of R2's shape, lists the parts that arrived, and makes it an image", async () => {
    const { accessToken } = await newSignedInUser();
    const bytes = await makeNoisePng(2048, 2000);
    expect(bytes.length).toBeGreaterThan(10 * 1024 * 1024);
    const via = { token: accessToken };
    const upload = await createUpload(via, { filename: "big.png", type: "image/png", metadata: { size: bytes.length } });
    const partSize = 5 * 1024 * 1024;
    const first = await sendPart(via, upload, 1, bytes.subarray(0, partSize));
    const listed = await listUploadParts(via, upload);
    expect(await listed.json()).toEqual([{ PartNumber: 1, Size: partSize, ETag: first }]);
    const parts = [{ PartNumber: 1, ETag: first }];
    for (let n = 2; (n - 1) * partSize < bytes.length; n++) {
      parts.push({ PartNumber: n, ETag: await sendPart(via, upload, n, bytes.subarray((n - 1) * partSize, n * partSize)) });
    }
    expect(parts).toHaveLength(3);
    const res = await completeUpload(via, upload, parts);
    expect(res.status).toBe(200);
    const done = await uploadSettles(accessToken, (await res.json<{ location: string }>()).location);
    expect(await getImage(accessToken, done.image_id ?? "")).toMatchObject({ width: 2048, height: 2000, size: bytes.length });
  });

  it("refuses a completion whose parts break R2's rule (a part under 5 MiB before the last): part_too_small", async () => {
    const { accessToken } = await newSignedInUser();
    const via = { token: accessToken };
    const upload = await createUpload(via, { filename: "small-parts.png", type: "image/png" });
    const parts = [];
    for (const n of [1, 2]) parts.push({ PartNumber: n, ETag: await sendPart(via, upload, n, crypto.getRandomValues(new Uint8Array(60_000))) });
    const res = await completeUpload(via, upload, parts);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "part_too_small" });
    // Still in progress: the client may send the parts again, properly cut.
    expect((await listUploadParts(via, upload)).status).toBe(200);
  });

  it("keeps the capture time and the stripped list the browser read before stripping, and ignores an implausible date", async () => {
    const { accessToken } = await newSignedInUser();
    const facts = { taken_at: "2019-10-22T14:30:05", taken_at_offset_minutes: "120", stripped_in_browser: "GPS location, camera make and model" };
    const { completed } = await uploadDirect({ token: accessToken }, { bytes: await makePng(14, 9, teal), name: "phone.png", type: "image/png" }, undefined, facts);
    const done = await uploadSettles(accessToken, completed.location);
    expect(await getImage(accessToken, done.image_id ?? "")).toMatchObject({
      taken_at: expect.stringMatching(/^2019-10-22T14:30:05/),
      timeline_date: "2019-10-22",
      metadata_status: "removed",
      metadata_removed: expect.arrayContaining(["GPS location", "camera make and model"]),
    });

    const future = await uploadDirect({ token: accessToken }, { bytes: await makePng(14, 8, teal), name: "odd.png", type: "image/png" }, undefined, { taken_at: "1850-01-01T00:00:00" });
    const odd = await getImage(accessToken, (await uploadSettles(accessToken, future.completed.location)).image_id ?? "");
    expect(odd.taken_at).toBeNull();
    const bad = await companion({ token: accessToken }, "/s3/multipart", json({ filename: "a.png", type: "image/png", metadata: { taken_at: "yesterday" } }));
    expect(bad.status).toBe(400);
  });

  it("answers /s3/params with multipart_only: R2 has no POST policy uploads", async () => {
    const { accessToken } = await newSignedInUser();
    const res = await companion({ token: accessToken }, "/s3/params?filename=a.png&type=image/png");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "multipart_only" });
  });

  it.each([
    ["a type that is not an image", { filename: "a.txt", type: "text/plain" }, 415, "unsupported_type"],
    ["a declared size over MAX_DIRECT_UPLOAD_BYTES", { filename: "a.jpg", type: "image/jpeg", metadata: { size: 200 * 1024 * 1024 } }, 413, "file_too_large"],
    ["no file name", { type: "image/jpeg" }, 400, "invalid_request"],
  ])("refuses %s at creation", async (_name, body, status, code) => {
    const { accessToken } = await newSignedInUser();
    const res = await companion({ token: accessToken }, "/s3/multipart", json(body));
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code });
  });

  it("answers 404 to another user for every route of an upload, and for a key paired with another upload id", async () => {
    const owner = await newSignedInUser();
    const other = await newSignedInUser();
    const upload = await createUpload({ token: owner.accessToken }, { filename: "mine.png", type: "image/png" });
    const theirs = await createUpload({ token: other.accessToken }, { filename: "theirs.png", type: "image/png" });
    const intruder: UploadVia = { token: other.accessToken };
    const crossed = { key: upload.key, uploadId: theirs.uploadId };
    for (const target of [upload, crossed]) {
      const sign = await companion(intruder, `/s3/multipart/${encodeURIComponent(target.uploadId)}/1?${new URLSearchParams({ key: target.key })}`);
      const answers = [sign, await listUploadParts(intruder, target), await completeUpload(intruder, target, [{ PartNumber: 1, ETag: '"x"' }]), await abortUpload(intruder, target)];
      for (const res of answers) {
        expect(res.status).toBe(404);
        expect(await res.json()).toMatchObject({ code: "upload_not_found" });
      }
    }
    // The owner's upload is untouched: it still takes a part.
    expect(await sendPart({ token: owner.accessToken }, upload, 1, await makePng(8, 8, teal))).toMatch(/\w/);
  });

  it("fails an upload whose object is not the size it declared, and keeps nothing of it", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(20, 20, teal);
    const upload = await createUpload({ token: accessToken }, { filename: "a.png", type: "image/png", metadata: { size: bytes.length + 1 } });
    const etag = await sendPart({ token: accessToken }, upload, 1, bytes);
    const res = await completeUpload({ token: accessToken }, upload, [{ PartNumber: 1, ETag: etag }]);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: "size_mismatch" });
    expect(await storedObjects(`incoming/${user.id}/`)).toEqual([]);
  });

  it("never makes an image of random bytes sent as photo.jpg, and removes their object", async () => {
    const { user, accessToken } = await newSignedInUser();
    const noise = crypto.getRandomValues(new Uint8Array(64 * 1024));
    const { completed } = await uploadDirect({ token: accessToken }, { bytes: noise, name: "photo.jpg", type: "image/jpeg" });
    const failed = await uploadSettles(accessToken, completed.location);
    expect(failed).toMatchObject({ status: "failed", error: "unsupported_type", image_id: null });
    await eventually(async () => expect(await storedObjects(`incoming/${user.id}/`)).toEqual([]));
    expect(await storedObjects(`users/${user.id}/`)).toEqual([]);
  });

  it("records the same bytes twice as one image, the second upload a duplicate", async () => {
    const { accessToken } = await newSignedInUser();
    const file = { bytes: await makePng(16, 16, [200, 10, 10]), name: "twice.png", type: "image/png" };
    const first = await uploadSettles(accessToken, (await uploadDirect({ token: accessToken }, file)).completed.location);
    const second = await uploadSettles(accessToken, (await uploadDirect({ token: accessToken }, file)).completed.location);
    expect(second).toMatchObject({ status: "done", duplicate: true, image_id: first.image_id });
  });
});
