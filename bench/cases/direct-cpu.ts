import { randomBytes } from "node:crypto";
import type { BenchContext } from "../context";
import { createUser } from "../client";
import { summarize } from "../measure";
import type { Figure } from "../report";
import { waitForPipeline } from "../sql";
import { cpuDuring } from "../thread-cpu";
import {
  completeUpload,
  createUpload,
  type DirectUpload,
  partBytes,
  partCount,
  partOf,
  putPart,
  signPart,
  type SentPart,
  type UploadSession,
  uploadSettles,
} from "../upload-protocol";

interface RequestPath {
  create: number;
  /** Every part's signing, summed. */
  sign: number;
  complete: number;
  /** The same requests on V8's helper threads (concurrent GC, compilation). */
  helpers: number;
  /** How many requests the path took. */
  requests: number;
}

const total = (p: RequestPath) => p.create + p.sign + p.complete;

/** How a client gets its part URLs: one signing request each (Uppy, Companion's protocol), or with the creation (`part_count`). */
type Signing = "per part" | "at creation";

/** Creation asking for the part URLs (docs/api.md): what the SPA may send; upload-protocol.ts speaks Companion's protocol only. */
async function createWithPartUrls(session: UploadSession, file: { name: string; type: string; size: number }, parts: number) {
  const res = await fetch(`${session.baseUrl}/uploads/s3/multipart`, {
    method: "POST",
    headers: { authorization: `Bearer ${session.token}`, "content-type": "application/json" },
    body: JSON.stringify({ filename: file.name, type: file.type, metadata: { size: file.size, no_ai: true, part_count: parts } }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /uploads/s3/multipart answered ${res.status}: ${text.slice(0, 300)}`);
  const { key, uploadId, part_urls: partUrls } = JSON.parse(text) as DirectUpload & { part_urls?: { PartNumber: number; url: string }[] };
  if (partUrls?.length !== parts) throw new Error(`asked for ${parts} part URLs, got ${partUrls?.length ?? "none"}`);
  return { key, uploadId, partUrls };
}

/**
 * D1a/D1b: the worker's CPU time on the request path of a direct upload (create, sign each part,
 * complete) for a file of one part and one of four (5 MiB parts, the last 64 KiB). Measured as the
 * CPU time of workerd's main thread, which runs the isolate, read from /proc around each request
 * (bench/thread-cpu.ts); the part PUTs go to the bucket and cost the worker nothing. That thread
 * also does workerd's own work for the requests (HTTP, the subrequests' sockets, wrangler dev's
 * entry worker), so a request that does nothing (GET /healthz/live) is measured alongside: the
 * floor each request pays, and the detail gives each path above it too. The figure is Uppy's
 * path (a signing request per part); the detail adds the same uploads with the part URLs
 * answered by the creation (`part_count`, docs/api.md). The bytes are random: the request path
 * never reads them, and each upload's ingest job (which refuses them) is let finish before the
 * next upload starts.
 */
export async function measureDirectCpu(ctx: BenchContext): Promise<Figure[]> {
  const rounds = ctx.plan.direct.cpuRounds;
  ctx.log(`D1 request-path CPU of direct uploads: ${rounds} uploads of 1 and of 4 parts, each way of signing, workerd's main thread`);
  const session = { baseUrl: ctx.directUrl, token: (await createUser(ctx.workerUrl)).token };
  await waitForPipeline(ctx.sql);
  const cpu = (work: () => Promise<unknown>) => cpuDuring(ctx.workerdPid, work);

  const oneUpload = async (parts: number, signing: Signing): Promise<RequestPath> => {
    const bytes = randomBytes((parts - 1) * partBytes + 64 * 1024);
    const spent: RequestPath = { create: 0, sign: 0, complete: 0, helpers: 0, requests: 0 };
    const count = async <T>(step: "create" | "sign" | "complete", request: () => Promise<T>): Promise<T> => {
      let answer: T | undefined;
      const used = await cpu(async () => {
        answer = await request();
      });
      spent[step] += used.mainMs;
      spent.helpers += used.helpersMs;
      spent.requests++;
      return answer as T;
    };
    const file = { name: "bench.png", type: "image/png", size: bytes.length };
    const { partUrls, ...upload } =
      signing === "per part"
        ? { ...(await count("create", () => createUpload(session, file))), partUrls: undefined }
        : await count("create", () => createWithPartUrls(session, file, parts));
    const sent: SentPart[] = [];
    for (let n = 1; n <= partCount(bytes.length); n++) {
      const url = partUrls ? partUrls[n - 1].url : await count("sign", () => signPart(session, upload, n));
      sent.push({ PartNumber: n, ETag: await putPart(url, partOf(bytes, n)) });
    }
    const done = await count("complete", () => completeUpload(session, upload, sent));
    await uploadSettles(session, done.location);
    return spent;
  };

  const ways: Signing[] = ["per part", "at creation"];
  const samples = new Map<string, RequestPath[]>();
  const floor: number[] = [];
  for (let round = -1; round < rounds; round++) {
    for (const parts of round % 2 === 0 ? [1, 4] : [4, 1]) {
      for (const signing of round % 2 === 0 ? ways : [...ways].reverse()) {
        const spent = await oneUpload(parts, signing);
        if (round >= 0) samples.set(`${parts} ${signing}`, [...(samples.get(`${parts} ${signing}`) ?? []), spent]);
      }
    }
    for (let i = 0; i < 2; i++) {
      const noop = await cpu(async () => (await fetch(`${ctx.directUrl}/healthz/live`)).arrayBuffer());
      if (round >= 0) floor.push(noop.mainMs);
    }
  }

  const floorMs = summarize(floor).p50;
  const aboveFloor = (paths: RequestPath[]) => summarize(paths.map((p) => total(p) - p.requests * floorMs)).p50;
  const verdict = (ms: number) => (ms <= 5 ? "meets" : "misses");
  return [1, 4].map((parts): Figure => {
    const paths = samples.get(`${parts} per part`) ?? [];
    const withUrls = samples.get(`${parts} at creation`) ?? [];
    const p50 = (pick: (p: RequestPath) => number) => summarize(paths.map(pick)).p50;
    const totals = summarize(paths.map(total));
    const above = aboveFloor(paths);
    const urlsTotal = summarize(withUrls.map(total)).p50;
    const urlsAbove = aboveFloor(withUrls);
    const requests = parts + 2;
    return {
      id: parts === 1 ? "D1a" : "D1b",
      name: `direct upload of ${parts} part${parts === 1 ? "" : "s"}: worker CPU on the request path (create, ${parts} sign, complete)`,
      value: totals.p50,
      unit: "ms",
      target: { op: "<=", value: 5 },
      detail:
        `workerd's main thread (runs the isolate), from /proc, p50 of ${paths.length} uploads (p95 ${totals.p95.toFixed(1)} ms): ` +
        `create ${p50((p) => p.create).toFixed(1)}, signing ${p50((p) => p.sign / parts).toFixed(1)} a part, complete ${p50((p) => p.complete).toFixed(1)} ms; ` +
        `V8's helper threads ${p50((p) => p.helpers).toFixed(1)} ms more; a request that does nothing (GET /healthz/live) costs ${floorMs.toFixed(1)} ms ` +
        `on that thread, so ${(requests * floorMs).toFixed(1)} ms of the ${requests} requests is that floor, and the work above it is ` +
        `${above.toFixed(1)} ms (${verdict(above)} ≤ 5 ms; the raw figure ${verdict(totals.p50)} it); ` +
        `with the part URLs from the creation (part_count, 2 requests): ${urlsTotal.toFixed(1)} ms, ${urlsAbove.toFixed(1)} ms above the floor`,
    };
  });
}
