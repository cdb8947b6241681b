import { describe, expect, inject, it } from "vitest";
import { analysisSchema } from "../../../worker/services/gemini";
import { eventually } from "../../../worker/test/helpers";
import { fixture } from "../../../worker/test/image-check";
import { exifTiff, makeJpegWithMetadata, makePng, makeTurnedHeic } from "../../../worker/test/images";

// Every test sends its own image and keys its faults by that image's hash, so
// test files sharing the one server never consume each other's faults.
const base = inject("geminiUrl");
const apiKey = inject("geminiApiKey");
const model = "gemini-2.5-flash";
const admin = { "x-admin-token": inject("adminToken") };

// The schema the worker really sends, so the stand-in is held to what production asks of Gemini.
const descriptionSchema = analysisSchema;

interface TestImage {
  bytes: Uint8Array;
  sha256: string;
  width: number;
  height: number;
}

interface GenerateOptions {
  /** null sends no x-goog-api-key header at all. */
  key?: string | null;
  query?: string;
  config?: object;
  signal?: AbortSignal;
  mimeType?: string;
}

/** A blue, landscape PNG of random size and shade: its hash belongs to the calling test alone. */
async function uniqueBlueImage(): Promise<TestImage> {
  const [a, b, c] = crypto.getRandomValues(new Uint16Array(3));
  const width = 100 + (a % 400);
  const height = 20 + (b % 80);
  const bytes = await makePng(width, height, [20 + (c % 20), 40 + (c % 30), 200 + (c % 50)]);
  return { bytes, sha256: await sha256Of(bytes), width, height };
}

async function sha256Of(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function generate(image: TestImage, opts: GenerateOptions = {}) {
  const jsonConfig = { responseMimeType: "application/json", responseSchema: descriptionSchema };
  return fetch(`${base}/v1beta/models/${model}:generateContent${opts.query ?? ""}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...keyHeader(opts.key === undefined ? apiKey : opts.key) },
    body: JSON.stringify({
      contents: [{ role: "user", parts: [{ text: "Describe this image." }, { inlineData: { mimeType: opts.mimeType ?? "image/png", data: toBase64(image.bytes) } }] }],
      generationConfig: opts.config ?? jsonConfig,
    }),
    signal: opts.signal,
  });
}

function keyHeader(key: string | null): Record<string, string> {
  return key === null ? {} : { "x-goog-api-key": key };
}

async function scriptFaults(body: object) {
  const res = await fetch(`${base}/__admin/faults`, { method: "POST", headers: admin, body: JSON.stringify(body) });
  expect(res.status, await res.text()).toBe(204);
}

async function recordedRequests(sha256: string) {
  const res = await fetch(`${base}/__admin/requests?sha256=${sha256}`, { headers: admin });
  return (await res.json<{ requests: Record<string, unknown>[] }>()).requests;
}

async function release(sha256: string) {
  const res = await fetch(`${base}/__admin/release?sha256=${sha256}`, { method: "POST", headers: admin });
  expect(res.status).toBe(200);
  return (await res.json<{ released: number }>()).released;
}

/** Waits until the stand-in has the image's one request and still owes it an answer. */
function untilHeld(sha256: string) {
  return eventually(async () => {
    const outcomes = (await recordedRequests(sha256)).map((r) => r.outcome);
    if (outcomes.join() !== "pending") throw new Error(`outcomes: ${outcomes.join(", ")}`);
  });
}

async function answerOf(res: Response): Promise<Record<string, unknown>> {
  expect(res.status).toBe(200);
  const body = await res.json<{ candidates: { content: { parts: { text: string }[] } }[] }>();
  return JSON.parse(body.candidates[0].content.parts[0].text);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

describe("Gemini stand-in: answers", () => {
  it("describes a PNG in JSON that fits the response schema, naming its size and dominant colour", async () => {
    const image = await uniqueBlueImage();
    const res = await generate(image);
    const body = await res.clone().json<Record<string, unknown>>();
    expect(body).toMatchObject({
      candidates: [{ content: { role: "model" }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: expect.any(Number), totalTokenCount: expect.any(Number) },
      modelVersion: "local-stand-in-analyzer (offline)",
      responseId: expect.any(String),
    });
    const answer = await answerOf(res);
    expect(Object.keys(answer).sort()).toEqual(["alt_text", "description", "tags", "text"]);
    expect(answer.description).toContain(`${image.width}×${image.height} PNG`);
    expect(answer.description).toContain("blue");
    expect(answer.tags).toEqual(expect.arrayContaining(["png", "blue", "landscape"]));
    expect(answer.text).toBe("");
  });

  it.each([
    ["a JPEG with EXIF orientation 6", "JPEG", (w: number, h: number) => makeJpegWithMetadata(w, h, { exif: exifTiff({ orientation: 6 }) })],
    ["a HEIC turned by irot", "HEIC", (w: number, h: number) => makeTurnedHeic(w, h, { irot: 1 })],
  ])("describes %s, stored sideways, as the upright portrait it shows", async (_, format, make) => {
    const width = 600 + (crypto.getRandomValues(new Uint16Array(1))[0] % 200);
    const bytes = make(width, 450);
    const answer = await answerOf(await generate({ bytes, sha256: "", width, height: 450 }));
    expect(answer.description).toContain(`450×${width} ${format}`);
    expect(answer.tags).toContain("portrait");
    expect(answer.tags).not.toContain("landscape");
  });

  it("sizes an iPhone-style HEIC by its primary image (a 48×32 grid of 64×64 tiles), not by its largest tile", async () => {
    const bytes = await fixture("photo.heic");
    const answer = await answerOf(await generate({ bytes, sha256: "", width: 48, height: 32 }));
    expect(answer.description).toContain("48×32 HEIC");
    expect(answer.tags).toContain("landscape");
  });

  it("fills properties it cannot know with empty values of their type and adds nothing else", async () => {
    const schema = {
      type: "OBJECT",
      properties: { description: { type: "STRING" }, objects: { type: "ARRAY", items: { type: "STRING" } }, count: { type: "INTEGER" } },
    };
    const answer = await answerOf(await generate(await uniqueBlueImage(), { config: { responseMimeType: "application/json", responseSchema: schema } }));
    expect(answer).toEqual({ description: expect.stringContaining("PNG"), objects: [], count: 0 });
  });

  it("answers in plain text when JSON is not asked for", async () => {
    const image = await uniqueBlueImage();
    const res = await generate(image, { config: {} });
    const body = await res.json<{ candidates: { content: { parts: { text: string }[] } }[] }>();
    expect(body.candidates[0].content.parts[0].text).toMatch(/^Offline analysis: a \d+×\d+ PNG image, mostly blue/);
  });

  it("records each call by image hash, without the key", async () => {
    const image = await uniqueBlueImage();
    expect(await recordedRequests(image.sha256)).toEqual([]);
    await generate(image);
    const requests = await recordedRequests(image.sha256);
    expect(requests).toEqual([
      expect.objectContaining({ model, sha256: image.sha256, mimeType: "image/png", bytes: image.bytes.length, apiKeyInHeader: true, urlHadKey: false, outcome: "ok" }),
    ]);
    expect(JSON.stringify(requests)).not.toContain(apiKey);
  });

  it("logs the image's size as stored and as shown, its bytes and type, and the usage it answered", async () => {
    const width = 800 + (crypto.getRandomValues(new Uint16Array(1))[0] % 200);
    const bytes = makeJpegWithMetadata(width, 450, { exif: exifTiff({ orientation: 6 }) });
    const image = { bytes, sha256: await sha256Of(bytes), width, height: 450 };
    const res = await generate(image, { mimeType: "image/jpeg" });
    const { usageMetadata } = await res.json<{ usageMetadata: Record<string, unknown> }>();
    // Shown 450 × 800–999: one tile across, two down; "Describe this image." is 20 characters, 5 tokens.
    expect(usageMetadata).toMatchObject({
      promptTokenCount: 2 * 258 + 5,
      promptTokensDetails: [
        { modality: "TEXT", tokenCount: 5 },
        { modality: "IMAGE", tokenCount: 2 * 258 },
      ],
    });
    expect(await recordedRequests(image.sha256)).toEqual([
      expect.objectContaining({
        mimeType: "image/jpeg",
        bytes: bytes.length,
        width,
        height: 450,
        displayWidth: 450,
        displayHeight: width,
        outcome: "ok",
        usage: usageMetadata,
      }),
    ]);
  });

  it.each([
    [384, 384, 258],
    [385, 100, 258],
    [769, 768, 2 * 258],
    [1600, 900, 3 * 2 * 258],
  ])("counts a %i×%i image as %i prompt tokens: 258 up to 384 px a side, else 258 a 768×768 tile", async (width, height, tokens) => {
    const bytes = await makePng(width, height, [200, 40, 40]);
    const image = { bytes, sha256: await sha256Of(bytes), width, height };
    const { usageMetadata } = await (await generate(image)).json<{ usageMetadata: { promptTokenCount: number; candidatesTokenCount: number; totalTokenCount: number } }>();
    expect(usageMetadata.promptTokenCount).toBe(tokens + 5);
    expect(usageMetadata.totalTokenCount).toBe(usageMetadata.promptTokenCount + usageMetadata.candidatesTokenCount);
  });
});

describe("Gemini stand-in: refusals", () => {
  it("refuses a request without the x-goog-api-key header with 403 PERMISSION_DENIED", async () => {
    const image = await uniqueBlueImage();
    const res = await generate(image, { key: null });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 403, status: "PERMISSION_DENIED" } });
    expect(await recordedRequests(image.sha256)).toEqual([expect.objectContaining({ apiKeyInHeader: false, outcome: "forbidden" })]);
  });

  it("refuses a wrong key with 403 PERMISSION_DENIED", async () => {
    const res = await generate(await uniqueBlueImage(), { key: "not-the-key" });
    expect(res.status).toBe(403);
  });

  it("refuses a key in the URL with 400 INVALID_ARGUMENT even when the header is right", async () => {
    const image = await uniqueBlueImage();
    const res = await generate(image, { query: `?key=${apiKey}` });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 400, status: "INVALID_ARGUMENT", message: "API key must be sent in the x-goog-api-key header" },
    });
    expect(await recordedRequests(image.sha256)).toEqual([expect.objectContaining({ urlHadKey: true, outcome: "key_in_url" })]);
  });

  it("rejects a body that is not JSON, or has no inline image, with 400 INVALID_ARGUMENT", async () => {
    const url = `${base}/v1beta/models/${model}:generateContent`;
    const headers = { "x-goog-api-key": apiKey };
    for (const body of ["{not json", JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] })]) {
      const res = await fetch(url, { method: "POST", headers, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { status: "INVALID_ARGUMENT" } });
    }
  });

  it("answers unknown paths with a Google-style 404", async () => {
    const res = await fetch(`${base}/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 404, status: "NOT_FOUND" } });
  });
});

describe("Gemini stand-in: scripted faults", () => {
  it("returns 429 with Retry-After", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "status", status: 429, retryAfter: 7 }] });
    const res = await generate(image);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toMatchObject({ error: { code: 429, status: "RESOURCE_EXHAUSTED" } });
  });

  it("returns 200 with a body that is not JSON for malformed", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "malformed" }] });
    const res = await generate(image);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it("returns a valid envelope whose answer breaks the schema for invalid_schema", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "invalid_schema" }] });
    const answer = await answerOf(await generate(image));
    expect(answer).not.toHaveProperty("description");
    expect(Array.isArray(answer.tags)).toBe(false);
  });

  it("blocks for safety at the prompt or at the response", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "safety" }, { type: "safety", stage: "response" }] });
    const prompt = await (await generate(image)).json<Record<string, unknown>>();
    expect(prompt).toMatchObject({ promptFeedback: { blockReason: "SAFETY" } });
    expect(prompt).not.toHaveProperty("candidates");
    const response = await (await generate(image)).json<{ candidates: Record<string, unknown>[] }>();
    expect(response.candidates[0].finishReason).toBe("SAFETY");
    expect(response.candidates[0]).not.toHaveProperty("content");
  });

  it("returns no candidates for empty", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "empty" }] });
    const res = await generate(image);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ candidates: [] });
  });

  it("never answers in timeout mode, so the caller's deadline fires", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "timeout" }] });
    await expect(generate(image, { signal: AbortSignal.timeout(300) })).rejects.toSatisfy(
      (error: Error) => error.name === "TimeoutError" || error.name === "AbortError",
    );
    expect(await recordedRequests(image.sha256)).toEqual([expect.objectContaining({ outcome: "fault:timeout" })]);
  });

  it("still answers correctly after an injected latency", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "latency", ms: 50 }] });
    expect((await answerOf(await generate(image))).description).toContain("PNG");
  });

  it("applies a persistent latency until it is cleared", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, persistent: { type: "latency", ms: 20 } });
    expect((await answerOf(await generate(image))).description).toContain("PNG");
    expect((await answerOf(await generate(image))).description).toContain("PNG");
    const cleared = await fetch(`${base}/__admin/faults?sha256=${image.sha256}`, { method: "DELETE", headers: admin });
    expect(cleared.status).toBe(204);
    expect((await answerOf(await generate(image))).description).toContain("PNG");
  });

  it("holds the answer until the test releases the image, then answers normally", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "hold" }] });
    let answered = false;
    const answer = generate(image).then((res) => {
      answered = true;
      return res;
    });
    await untilHeld(image.sha256);
    expect(answered).toBe(false);
    expect(await release(image.sha256)).toBe(1);
    expect((await answerOf(await answer)).description).toContain("PNG");
    expect((await recordedRequests(image.sha256)).map((r) => r.outcome)).toEqual(["ok"]);
    expect(await release(image.sha256)).toBe(0);
  });

  it("records a held request whose caller gave up as client_gone", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "hold" }] });
    const caller = new AbortController();
    const answer = generate(image, { signal: caller.signal }).catch((error: unknown) => error);
    await untilHeld(image.sha256);
    caller.abort();
    expect(await answer).toMatchObject({ name: "AbortError" });
    await eventually(async () => expect(await recordedRequests(image.sha256)).toEqual([expect.objectContaining({ outcome: "client_gone" })]));
    expect(await release(image.sha256)).toBe(0);
  });

  it("uses a script up in order, then answers normally", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "status", status: 503 }, { type: "status", status: 500 }] });
    expect((await generate(image)).status).toBe(503);
    expect((await generate(image)).status).toBe(500);
    expect((await answerOf(await generate(image))).description).toContain("PNG");
    const outcomes = (await recordedRequests(image.sha256)).map((r) => r.outcome);
    expect(outcomes).toEqual(["fault:status", "fault:status", "ok"]);
  });

  it("leaves other images alone when faults are keyed by hash", async () => {
    const faulty = await uniqueBlueImage();
    const other = await uniqueBlueImage();
    await scriptFaults({ sha256: faulty.sha256, faults: [{ type: "status", status: 500 }] });
    expect((await generate(other)).status).toBe(200);
    expect((await generate(faulty)).status).toBe(500);
  });

  it("clears a keyed script with DELETE ?sha256=", async () => {
    const image = await uniqueBlueImage();
    await scriptFaults({ sha256: image.sha256, faults: [{ type: "status", status: 500 }] });
    await fetch(`${base}/__admin/faults?sha256=${image.sha256}`, { method: "DELETE", headers: admin });
    expect((await generate(image)).status).toBe(200);
  });

  it("rejects an unknown fault type with 400", async () => {
    const res = await fetch(`${base}/__admin/faults`, { method: "POST", headers: admin, body: JSON.stringify({ faults: [{ type: "meteor" }] }) });
    expect(res.status).toBe(400);
  });
});
