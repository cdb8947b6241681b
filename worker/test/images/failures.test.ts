import { AwsClient } from "aws4fetch";
import { describe, expect, inject, it } from "vitest";
import { removeOrphanObjects, retryPendingDeletions } from "../../services/object-cleanup";
import { finishUnfinishedTrashMoves } from "../../services/trash";
import { app, bearer, newSignedInUser, testDeps } from "../helpers";
import { dbFault, s3Fault, storedObjects, upload, uploadOk } from "../image-helpers";
import { makePng } from "../images";

const green: [number, number, number] = [10, 200, 40];

async function listIds(token: string) {
  const res = await app("/images", { headers: bearer(token) });
  return (await res.json<{ images: { id: string }[] }>()).images.map((i) => i.id);
}

/** The sweep's retry of failed deletions, scoped to one user's keys so parallel files are left alone. */
const retryDeletions = (prefix: string) => retryPendingDeletions(testDeps(), { keyPrefix: prefix });

describe("nothing lost, nothing orphaned", () => {
  it("S3 failing on PUT: 503 storage_unavailable with Retry-After, no row, no object; a retry succeeds", async () => {
    const { user, accessToken } = await newSignedInUser();
    const prefix = `users/${user.id}/`;
    await s3Fault({ method: "PUT", keyPrefix: prefix, faults: [{ type: "status", status: 500 }, { type: "status", status: 500 }] });
    const bytes = await makePng(8, 8, green);
    const res = await upload(accessToken, { bytes });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toMatchObject({ code: "storage_unavailable" });
    expect(await listIds(accessToken)).toEqual([]);
    expect(await storedObjects(prefix)).toEqual([]);
    expect((await upload(accessToken, { bytes })).status).toBe(201);
  });

  it("S3 unreachable: 503, nothing written", async () => {
    const { user, accessToken } = await newSignedInUser();
    const prefix = `users/${user.id}/`;
    await s3Fault({ method: "PUT", keyPrefix: prefix, faults: [{ type: "down" }, { type: "down" }] });
    const res = await upload(accessToken, { bytes: await makePng(8, 8, green) });
    expect(res.status).toBe(503);
    expect(await listIds(accessToken)).toEqual([]);
    expect(await storedObjects(prefix)).toEqual([]);
  });

  it.each([
    ["after the PUT, at the insert", 'insert into "images"'],
    ["at the duplicate check (which runs alongside the PUT)", '"images"."sha256" = $'],
  ])("database failing %s: 503, the object is deleted again, no row", async (_, statement) => {
    const { user, accessToken } = await newSignedInUser();
    await dbFault({ match: [statement, user.id], faults: [{ type: "error", code: "57P01", message: "terminating connection" }] });
    const res = await upload(accessToken, { bytes: await makePng(8, 8, green) });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: "database_unavailable" });
    expect(await storedObjects(`users/${user.id}/`)).toEqual([]);
    expect(await listIds(accessToken)).toEqual([]);
  });

  it("a duplicate answers 200 with the earlier image even when its own PUT fails, and leaves one object", async () => {
    const { user, accessToken } = await newSignedInUser();
    const prefix = `users/${user.id}/`;
    const bytes = await makePng(8, 8, green);
    const first = await uploadOk(accessToken, { bytes });
    await s3Fault({ method: "PUT", keyPrefix: prefix, faults: [{ type: "status", status: 500 }, { type: "status", status: 500 }] });
    const again = await upload(accessToken, { bytes });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, image: { id: first.id } });
    expect(await storedObjects(prefix)).toHaveLength(1);
  });

  it("database and S3 delete both failing: the object is queued and the sweep removes it", async () => {
    const { user, accessToken } = await newSignedInUser();
    const prefix = `users/${user.id}/`;
    await dbFault({ match: ['insert into "images"', user.id], faults: [{ type: "error", code: "57P01" }] });
    await s3Fault({ method: "DELETE", keyPrefix: prefix, faults: [{ type: "status", status: 500 }, { type: "status", status: 500 }] });
    expect((await upload(accessToken, { bytes: await makePng(8, 8, green) })).status).toBe(503);
    expect(await storedObjects(prefix)).toHaveLength(1);
    await retryDeletions(prefix);
    expect(await storedObjects(prefix)).toEqual([]);
  });

  it("an object move cut short still trashes the image, and the sweep finishes the move", async () => {
    const { user, accessToken } = await newSignedInUser();
    const prefix = `users/${user.id}/`;
    const image = await uploadOk(accessToken, { bytes: await makePng(8, 8, green) });
    await s3Fault({ method: "DELETE", keyPrefix: prefix, faults: [{ type: "status", status: 500 }, { type: "status", status: 500 }] });
    expect((await app(`/images/${image.id}`, { method: "DELETE", headers: bearer(accessToken) })).status).toBe(204);
    expect(await listIds(accessToken)).toEqual([]);
    expect(await storedObjects(prefix)).toHaveLength(1);
    await finishUnfinishedTrashMoves(testDeps(), new Date(Date.now() + 5 * 60_000));
    expect(await storedObjects(prefix)).toEqual([]);
    expect(await storedObjects(`trash/${prefix}`)).toHaveLength(1);
  });

  it("the orphan scan removes objects without a row once they are an hour old, and keeps the rest", async () => {
    const { user, accessToken } = await newSignedInUser();
    const prefix = `users/${user.id}/`;
    const kept = await uploadOk(accessToken, { bytes: await makePng(8, 8, green) });
    const s3 = new AwsClient({ accessKeyId: inject("s3AccessKeyId"), secretAccessKey: inject("s3SecretAccessKey"), region: inject("s3Region"), service: "s3", retries: 0 });
    const crashed = await s3.fetch(`${inject("s3Endpoint")}/${inject("s3Bucket")}/${prefix}crashed-before-insert.png`, { method: "PUT", body: await makePng(8, 8, green) });
    expect(crashed.status).toBe(200);

    const deps = testDeps();
    expect(await removeOrphanObjects(deps, new Date(), prefix)).toBe(0); // too young: may be an upload in flight
    expect(await removeOrphanObjects(deps, new Date(Date.now() + 2 * 60 * 60 * 1000), prefix)).toBe(1);
    const left = await storedObjects(prefix);
    expect(left).toHaveLength(1);
    expect((await app(`/images/${kept.id}/file`, { headers: bearer(accessToken), redirect: "manual" })).status).toBe(302);
  });
});
