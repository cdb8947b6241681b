import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { images } from "../../db/schema";
import { hashOpaqueToken } from "../../services/tokens";
import { app, bearer, captureExpectedErrors, json, newSignedInUser, registerUser, signIn, testDb, userInput } from "../helpers";
import { analysisReaches, dbFault, geminiFault, getImage, s3Fault, sha256Hex, storedObjects, upload, uploadOk } from "../image-helpers";
import { deliver, imageAwaitingAnalysis } from "../job-helpers";
import { makePng } from "../images";
import { renditionsReach } from "../rendition-helpers";
import { expectConsistentAfterSweep } from "./consistency";

const violet: [number, number, number] = [120, 40, 200];

// Every outage injected here is logged once per request for the operator; those lines are expected.
let outagesLogged: string[] = [];
beforeAll(() => {
  outagesLogged = captureExpectedErrors(/^database unavailable \[[^\]]+\] /);
});
afterAll(() => vi.restoreAllMocks());

/** A clear, retryable refusal: 503 JSON with the code and a Retry-After the client can honour. */
async function expect503(res: Response, code: string, label: string) {
  const text = await res.text();
  expect(res.status, `${label}: ${text}`).toBe(503);
  expect(res.headers.get("content-type"), label).toMatch(/^application\/json/);
  expect(JSON.parse(text), label).toMatchObject({ code, message: expect.any(String) });
  expect(Number(res.headers.get("retry-after")), label).toBeGreaterThan(0);
}

/** A signed-in user with one analysed image with its renditions, quiet before any fault is switched on. */
async function userWithImage() {
  const session = await newSignedInUser();
  const image = await uploadOk(session.accessToken, { bytes: await makePng(8, 8, violet) });
  await analysisReaches(session.accessToken, image.id, ["done"]);
  await renditionsReach(session.accessToken, image.id, ["done"]);
  return { ...session, image };
}

const asOwner = (token: string, imageId: string) => ({
  list: () => app("/images", { headers: bearer(token) }),
  get: () => app(`/images/${imageId}`, { headers: bearer(token) }),
  file: () => app(`/images/${imageId}/file`, { headers: bearer(token), redirect: "manual" }),
  delete: () => app(`/images/${imageId}`, { method: "DELETE", headers: bearer(token) }),
  upload: async () => upload(token, { bytes: await makePng(8, 8, [1, 2, 250]) }),
});

describe.concurrent("object storage faults", () => {
  it("S3 slow on PUT: the upload still succeeds, row and object agree", async () => {
    const { user, accessToken } = await newSignedInUser();
    await s3Fault({ method: "PUT", keyPrefix: `users/${user.id}/`, faults: [{ type: "latency", ms: 1500 }] });
    const res = await upload(accessToken, { bytes: await makePng(8, 8, violet) });
    expect(res.status).toBe(201);
    expect(await storedObjects(`users/${user.id}/`)).toHaveLength(1);
    await expectConsistentAfterSweep(user.id);
  });
});

describe.concurrent("database faults", () => {
  it.each([
    ["unreachable", { type: "down" }],
    ["answering HTTP 500", { type: "status", status: 500 }],
    ["refusing connections (08006)", { type: "error", code: "08006", message: "connection failure" }],
    ["shutting down (57P01)", { type: "error", code: "57P01", message: "terminating connection due to administrator command" }],
  ])("every query of the user %s: list, get, file, delete and upload answer 503 database_unavailable", async (_name, fault) => {
    const { user, accessToken, image } = await userWithImage();
    const calls = asOwner(accessToken, image.id);
    await dbFault({ match: [user.id], faults: Array.from({ length: 5 }, () => fault) });
    for (const [name, call] of Object.entries(calls)) await expect503(await call(), "database_unavailable", name);
    // The database is back: nothing was lost or half-done meanwhile.
    expect((await calls.get()).status).toBe(200);
    const rows = await expectConsistentAfterSweep(user.id);
    expect(rows).toHaveLength(1);
  });

  it("image queries failing for the user: list, get, delete and upload answer 503 and change nothing", async () => {
    const { user, accessToken, image } = await userWithImage();
    const calls = asOwner(accessToken, image.id);
    await dbFault({ match: ['"images"', user.id], faults: [{ type: "down" }, { type: "status", status: 503 }, { type: "down" }, { type: "error", code: "08001" }] });
    await expect503(await calls.list(), "database_unavailable", "list");
    await expect503(await calls.get(), "database_unavailable", "get");
    await expect503(await calls.delete(), "database_unavailable", "delete");
    await expect503(await calls.upload(), "database_unavailable", "upload");
    expect((await calls.get()).status).toBe(200);
    const rows = await expectConsistentAfterSweep(user.id);
    expect(rows).toHaveLength(1);
  });

  it("login with the database unreachable: 503, then the same login succeeds", async () => {
    const user = await registerUser();
    await dbFault({ match: [user.email], faults: [{ type: "down" }] });
    await expect503(await app("/auth/login", json({ email: user.email, password: user.password })), "database_unavailable", "login");
    expect(outagesLogged).toContainEqual(expect.stringMatching(/NeonDbError - Error connecting to database/));
    expect((await app("/auth/login", json({ email: user.email, password: user.password }))).status).toBe(200);
  });

  it("registration with the database unreachable: 503, then the same registration succeeds", async () => {
    const input = userInput();
    await dbFault({ match: ['insert into "users"', input.email], faults: [{ type: "down" }] });
    await expect503(await app("/auth/register", json(input)), "database_unavailable", "register");
    expect((await app("/auth/register", json(input))).status).toBe(201);
  });

  it("refresh with the database unreachable: 503, and the refresh token is not spent", async () => {
    const session = await signIn(await registerUser());
    await dbFault({ match: [hashOpaqueToken(session.refreshToken)], faults: [{ type: "down" }] });
    await expect503(await app("/auth/refresh", json({ refresh_token: session.refreshToken })), "database_unavailable", "refresh");
    expect((await app("/auth/refresh", json({ refresh_token: session.refreshToken }))).status).toBe(200);
  });

  it("a slow database still answers", async () => {
    const { user, accessToken, image } = await userWithImage();
    await dbFault({ match: ['"images"', user.id], faults: [{ type: "latency", ms: 1000 }] });
    expect((await asOwner(accessToken, image.id).get()).status).toBe(200);
  });
});

describe.concurrent("Gemini faults", () => {
  it("Gemini answering 503: the image ends failed with a retry scheduled, and the next sweep completes it", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(12, 12, violet);
    const unavailable = { type: "status", status: 503 };
    await geminiFault({ sha256: await sha256Hex(bytes), faults: [unavailable, unavailable, unavailable] });
    const uploaded = await uploadOk(accessToken, { bytes });
    const failed = await analysisReaches(accessToken, uploaded.id, ["failed"], { attempts: 3 });
    expect(failed).toMatchObject({ analysis_error: expect.any(String), analysis_retry_at: expect.any(String) });
    const [row] = await expectConsistentAfterSweep(user.id);
    expect(row.status).toBe("done");
  });

  it("Gemini unreachable from the analysis job: failed with a retry, then done after the sweep", async () => {
    const { user, accessToken, id } = await imageAwaitingAnalysis([9, 99, 199]);
    const unreachable = { ...env, GEMINI_BASE_URL: "http://127.0.0.1:1" } as Env;
    const { result } = await deliver("eis-jobs", [{ kind: "analysis", imageId: id, attempt: 1 }], { bindings: unreachable });
    expect(result.retryMessages).toHaveLength(1);
    const failed = await analysisReaches(accessToken, id, ["failed"], { attempts: 1 });
    expect(failed).toMatchObject({ analysis_error: "unreachable", analysis_retry_at: expect.any(String) });
    const [row] = await expectConsistentAfterSweep(user.id);
    expect(row.status).toBe("done");
  });
});

describe.concurrent("background work killed mid-way", () => {
  it("an analysis whose worker died (lease expired) and an upload that died after its PUT are both cleaned up by the sweep", async () => {
    const { user, accessToken, image } = await userWithImage();
    await testDb()
      .update(images)
      .set({ analysisStatus: "processing", leaseUntil: new Date(Date.now() - 1000), description: null })
      .where(eq(images.id, image.id));
    // A second upload's worker dies between the object PUT and the row insert.
    // Its compensating DELETE fails too (aws4fetch does not retry a dropped connection), so the object stays behind.
    await dbFault({ match: ['insert into "images"', user.id], faults: [{ type: "down" }] });
    await s3Fault({ method: "DELETE", keyPrefix: `users/${user.id}/`, faults: [{ type: "down" }] });
    await expect503(await upload(accessToken, { bytes: await makePng(8, 8, [3, 3, 3]) }), "database_unavailable", "upload");
    expect(await storedObjects(`users/${user.id}/`)).toHaveLength(2);

    const rows = await expectConsistentAfterSweep(user.id);
    expect(rows).toEqual([expect.objectContaining({ status: "done" })]);
    expect(await getImage(accessToken, image.id)).toMatchObject({ analysis_status: "done", description: expect.any(String) });
  });
});
