import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directUploads } from "../../db/schema";
import { sweepDirectUploads } from "../../services/direct-uploads";
import { app, bearer, json, newSignedInUser, testDb, testDeps } from "../helpers";
import { makePng } from "../images";
import { createUpload, listUploadParts, sendPart } from "../direct-upload-helpers";

const lilac: [number, number, number] = [200, 162, 200];

describe("direct uploads left behind", () => {
  it("aborts an upload abandoned for a day: its parts are deleted and it says aborted", async () => {
    const { accessToken } = await newSignedInUser();
    const via = { token: accessToken };
    const upload = await createUpload(via, { filename: "left.png", type: "image/png" });
    await sendPart(via, upload, 1, await makePng(10, 10, lilac));
    expect((await listUploadParts(via, upload)).status).toBe(200);
    await testDb().update(directUploads).set({ createdAt: new Date(Date.now() - 25 * 60 * 60_000) }).where(eq(directUploads.key, upload.key));

    expect(await sweepDirectUploads(testDeps(), new Date())).toBeGreaterThanOrEqual(1);
    const [row] = await testDb().select().from(directUploads).where(eq(directUploads.key, upload.key));
    expect(row).toMatchObject({ status: "aborted", error: "abandoned" });
    const listed = await listUploadParts(via, upload);
    expect(listed.status).toBe(409);
  });

  it("aborts the uploads in progress of an account that is deleted", async () => {
    const { user, accessToken } = await newSignedInUser();
    const via = { token: accessToken };
    const upload = await createUpload(via, { filename: "mine.png", type: "image/png" });
    await sendPart(via, upload, 1, await makePng(10, 10, lilac));
    const res = await app("/auth/me", json({ password: user.password }, { method: "DELETE", headers: bearer(accessToken) }));
    expect(res.status).toBeLessThan(300);
    // The bucket no longer holds the upload: listing its parts directly answers NoSuchUpload.
    const deps = testDeps();
    const url = new URL(`${deps.config.S3_ENDPOINT}/${deps.config.S3_BUCKET_NAME}/${upload.key}`);
    url.searchParams.set("uploadId", upload.uploadId);
    expect((await deps.s3.fetch(url.toString())).status).toBe(404);
  });
});
