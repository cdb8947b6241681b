import { afterEach, describe, expect, it, vi } from "vitest";
import { deadLetterQueue } from "../../jobs/consume-jobs";
import type { JobMessage } from "../../services/send-jobs";
import { captureExpectedErrors, newSignedInUser } from "../helpers";
import { analysisReaches, dbFault, geminiCalls, geminiFault, getImage, s3Requests, sha256Hex, uploadOk } from "../image-helpers";
import { deliver, imageAwaitingAnalysis } from "../job-helpers";
import { makePng } from "../images";
import { renditionsReach } from "../rendition-helpers";

const moss: [number, number, number] = [96, 128, 56];

afterEach(() => vi.restoreAllMocks());

const analysisJob = (imageId: string): JobMessage => ({ kind: "analysis", imageId, attempt: 1 });

describe("the job consumer", () => {
  it("acknowledges a message that is not a job and never retries it", async () => {
    const logged = captureExpectedErrors(/not a job message/);
    const { ids, result } = await deliver("eis-jobs", [{ kind: "thumbnails", imageId: crypto.randomUUID(), attempt: 1 }, "hello"]);
    expect(result.explicitAcks.sort()).toEqual([...ids].sort());
    expect(result.retryMessages).toEqual([]);
    expect(logged).toHaveLength(2);
  });

  it("retries a 429 after its Retry-After, and the row says when", async () => {
    const { accessToken, id, sha256 } = await imageAwaitingAnalysis();
    await geminiFault({ sha256, faults: [{ type: "status", status: 429, retryAfter: 7 }] });
    const { ids, result, delays } = await deliver("eis-jobs", [analysisJob(id)]);
    expect(result.retryMessages).toEqual([{ msgId: ids[0] }]);
    expect(delays).toEqual([7]);
    expect(result.explicitAcks).toEqual([]);
    const image = await getImage(accessToken, id);
    expect(image).toMatchObject({ analysis_status: "failed", analysis_error: "rate_limited", analysis_attempts: 1 });
    expect(Date.parse(image.analysis_retry_at ?? "")).toBeGreaterThan(Date.now() + 5000);

    // Delivered again before that time (a queue may be early), it waits out the rest and calls no one.
    const early = await deliver("eis-jobs", [analysisJob(id)], { attempts: 2 });
    expect(early.result.retryMessages).toHaveLength(1);
    expect(early.delays[0]).toBeGreaterThan(0);
    expect(await geminiCalls(sha256)).toHaveLength(1);
  });

  it("retries with a backoff when the job throws before the row could record anything", async () => {
    const { id } = await imageAwaitingAnalysis();
    const logged = captureExpectedErrors(/job failed; retrying/);
    await dbFault({ match: ['update "images" set "analysis_status"', id], faults: [{ type: "error", code: "57P01", message: "terminating connection" }] });
    const { ids, result, delays } = await deliver("eis-jobs", [analysisJob(id)]);
    expect(result.retryMessages).toEqual([{ msgId: ids[0] }]);
    expect(delays[0]).toBeGreaterThanOrEqual(3);
    expect(logged.join("\n")).toContain(id);
  });

  it("changes nothing when a finished job is delivered again", async () => {
    const { user, accessToken } = await newSignedInUser();
    const bytes = await makePng(26, 14, moss);
    const uploaded = await uploadOk(accessToken, { bytes });
    await renditionsReach(accessToken, uploaded.id, ["done"]);
    const done = await analysisReaches(accessToken, uploaded.id, ["done"]);
    const requestsBefore = await s3Requests(`renditions/users/${user.id}/`);

    const jobs: JobMessage[] = [
      { kind: "renditions", imageId: uploaded.id, attempt: 1 },
      { kind: "analysis", imageId: uploaded.id, attempt: 1 },
    ];
    const { ids, result } = await deliver("eis-jobs", jobs);
    expect(result.explicitAcks.sort()).toEqual([...ids].sort());
    expect(await s3Requests(`renditions/users/${user.id}/`)).toEqual(requestsBefore);
    expect(await geminiCalls(await sha256Hex(bytes))).toHaveLength(1);
    expect(await getImage(accessToken, uploaded.id)).toMatchObject({
      analysis_attempts: done.analysis_attempts,
      analyzed_at: done.analyzed_at,
      thumb_url: expect.any(String),
    });
  });

  it("marks a dead-lettered job's row failed, to be replayed by the sweep", async () => {
    const { accessToken, id } = await imageAwaitingAnalysis();
    const { ids, result } = await deliver(deadLetterQueue, [analysisJob(id)]);
    expect(result.explicitAcks).toEqual(ids);
    const image = await getImage(accessToken, id);
    expect(image).toMatchObject({ analysis_status: "failed", analysis_error: "dead_lettered" });
    expect(Date.parse(image.analysis_retry_at ?? "")).toBeGreaterThan(Date.now() + 30 * 60_000);
  });
});

describe("the job queue, end to end", () => {
  it("dead-letters an analysis that meets a 429 on every delivery, and the row says so", async () => {
    const { accessToken } = await newSignedInUser();
    const bytes = await makePng(28, 22, moss);
    const sha256 = await sha256Hex(bytes);
    await geminiFault({ sha256, faults: Array.from({ length: 6 }, () => ({ type: "status", status: 429, retryAfter: 0 })) });
    const uploaded = await uploadOk(accessToken, { bytes });
    const image = await analysisReaches(accessToken, uploaded.id, ["failed"], { timeoutMs: 25_000, errorIs: "dead_lettered" });
    expect(image.analysis_retry_at).not.toBeNull();
    // max_retries = 4 in wrangler.toml: five deliveries, one model call each.
    expect((await geminiCalls(sha256)).map((call) => call.outcome)).toEqual(Array(5).fill("fault:status"));
  });
});
