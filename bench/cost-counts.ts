import type { BenchContext } from "./context";
import { geminiRequests, s3Objects, s3Requests, type S3Request } from "./stand-ins";

/** Cloudflare bills 3 operations (write, read, delete) per message of up to 64 KB delivered once; a retry adds a read. */
const queueOperationsPerMessage = 3;

/** One count behind the cost table: a value per photo (or per Gemini request), unpriced. */
export interface CostRow {
  key: string;
  name: string;
  value: number;
  unit: string;
  per: "photo" | "Gemini request";
  detail: string;
}

interface CountInput {
  userId: string;
  photos: number;
  /** From the first upload to the last photo settled, and when the gallery view began. */
  pipeline: { from: Date; to: Date };
  viewFrom: Date;
  /** Worker requests the client made: uploads, status polls while the photos were processed, gallery pages. */
  client: { uploads: number; polls: number; listings: number };
  /** The stored originals' hashes, to tell whether Gemini got an original or something else. */
  originalSha256s: Set<string>;
}

/** Reads the S3 and Gemini stand-ins' logs and storage for one user's photos and divides by the photos. */
export async function countCosts(ctx: BenchContext, input: CountInput): Promise<CostRow[]> {
  const n = input.photos;
  const originals = `users/${input.userId}/`;
  const renditions = `renditions/users/${input.userId}/`;
  const within = (at: string, from: Date, to?: Date) => Date.parse(at) >= from.getTime() && (!to || Date.parse(at) < to.getTime());
  const s3 = [...(await s3Requests(ctx, originals)), ...(await s3Requests(ctx, renditions))];
  const pipelineOps = classify(s3.filter((r) => within(r.at, input.pipeline.from, input.viewFrom)));
  const viewOps = classify(s3.filter((r) => within(r.at, input.viewFrom)));
  const [storedOriginals, storedRenditions] = await Promise.all([s3Objects(ctx, originals), s3Objects(ctx, renditions)]);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const originalBytes = sum(storedOriginals.map((o) => o.size));
  const renditionBytes = sum(storedRenditions.map((o) => o.size));

  const gemini = (await geminiRequests(ctx)).filter((r) => within(r.at, input.pipeline.from, new Date(input.pipeline.to.getTime() + 1)));
  const calls = Math.max(gemini.length, 1);
  const answered = gemini.filter((r) => r.usage);
  const imageTokens = sum(answered.map((r) => r.usage?.promptTokensDetails?.find((d) => d.modality === "IMAGE")?.tokenCount ?? 0));
  const promptTokens = sum(answered.map((r) => r.usage?.promptTokenCount ?? 0));
  const outputTokens = sum(answered.map((r) => r.usage?.candidatesTokenCount ?? 0));
  const sentOriginals = gemini.filter((r) => r.sha256 && input.originalSha256s.has(r.sha256)).length;
  const sizes = [...new Set(gemini.map((r) => `${r.width}×${r.height}`))].slice(0, 3).join(", ");

  const deliveries = sum(
    ctx.queueDeliveries.filter((d) => d.at >= input.pipeline.from.getTime() && d.at <= input.viewFrom.getTime()).map((d) => d.messages),
  );
  const { uploads, polls, listings } = input.client;
  const perPhoto = (key: string, name: string, total: number, unit: string, detail: string): CostRow => ({ key, name, value: total / n, unit, per: "photo", detail });
  const perCall = (key: string, name: string, total: number, unit: string, detail: string): CostRow => ({ key, name, value: total / calls, unit, per: "Gemini request", detail });
  return [
    perPhoto("worker.requests", "worker requests by the client", uploads + polls + listings, "requests", `${uploads} uploads, ${polls} status polls (the web app's backoff), ${listings} gallery listings (24 a page)`),
    perPhoto("worker.polls", "of which status polls", polls, "requests", "GET /images/:id from 400 ms, doubling to 15 s, until settled: grows with the pipeline's latency"),
    perPhoto("s3.classA", "S3 Class A operations, upload to done", pipelineOps.classA, "operations", describeOps(pipelineOps)),
    perPhoto("s3.classB", "S3 Class B operations, upload to done", pipelineOps.classB, "operations", describeOps(pipelineOps)),
    perPhoto("s3.view.classB", "S3 Class B operations, one gallery view", viewOps.classB, "operations", `every thumbnail fetched once; ${describeOps(viewOps)}`),
    perPhoto("storage.bytes", "bytes stored", originalBytes + renditionBytes, "bytes", `original ${Math.round(originalBytes / n)} + renditions ${Math.round(renditionBytes / n)} bytes a photo (${storedOriginals.length} + ${storedRenditions.length} objects)`),
    perPhoto("gemini.requests", "Gemini requests", gemini.length, "requests", `${answered.length} answered with usage; ${sentOriginals} carried the stored original`),
    perCall("gemini.inputBytes", "Gemini inline image bytes", sum(gemini.map((r) => r.bytes)), "bytes", `decoded inlineData, ${gemini[0]?.mimeType ?? "none"}`),
    perCall("gemini.megapixels", "Gemini image pixels", sum(gemini.map((r) => (r.width ?? 0) * (r.height ?? 0))) / 1e6, "megapixels", `as stored: ${sizes || "none"}`),
    perPhoto("gemini.inputTokens", "Gemini input tokens", promptTokens, "tokens", `of which image ${Math.round(imageTokens / n)} a photo (258 a 768×768 tile), the rest the prompt's text (the schema is not counted)`),
    perPhoto("gemini.outputTokens", "Gemini output tokens", outputTokens, "tokens", "the stand-in's answer at 4 characters a token; a real model's differs"),
    perPhoto("queue.messages", "queue messages delivered", deliveries, "messages", "wrangler dev's QUEUE lines while the photos were processed (renditions, then analysis; retries count again)"),
    perPhoto("queue.operations", "queue operations", deliveries * queueOperationsPerMessage, "operations", "3 a message: write, read, delete"),
  ];
}

/**
 * R2's classes: Class A writes and lists (PUT, POST: multipart too, LIST), Class B reads (GET, HEAD);
 * DELETE is free. The log records a bucket-level listing under its prefix, a key ending in "/".
 */
function classify(requests: S3Request[]) {
  const byMethod: Record<string, number> = {};
  let classA = 0;
  let classB = 0;
  for (const r of requests) {
    const listing = r.method === "GET" && (r.key === "" || r.key.endsWith("/"));
    const name = listing ? "LIST" : r.method;
    byMethod[name] = (byMethod[name] ?? 0) + 1;
    if (listing || r.method === "PUT" || r.method === "POST") classA++;
    else if (r.method === "GET" || r.method === "HEAD") classB++;
  }
  return { classA, classB, byMethod, failed: requests.filter((r) => r.status === "dropped" || r.status >= 400).length };
}

const describeOps = (ops: ReturnType<typeof classify>) =>
  `all S3 requests: ${Object.entries(ops.byMethod).map(([method, count]) => `${count} ${method}`).join(", ") || "none"}${ops.failed ? `, ${ops.failed} of them failed` : ""}`;
