import { createHash, randomBytes } from "node:crypto";
import { breakSchema, conformToSchema, describeImage, type ResponseSchema } from "./describe-image";
import type { GeminiFault } from "./faults";
import { readImage, readImageSize, UnreadableImageError, type ImageSize } from "./read-image";

/** What the server sends; shaped here without I/O so the HTTP layer only writes it. */
export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** The usageMetadata the body carries, for the request log; absent when it carries none. */
  usage?: UsageMetadata;
}

export interface InlineImage {
  bytes: Buffer;
  mimeType: string;
  sha256: string;
  /** Undefined when the header cannot be read (Gemini then refuses the image). */
  size?: ImageSize;
}

export interface UsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  promptTokensDetails: { modality: "TEXT" | "IMAGE"; tokenCount: number }[];
}

interface GenerateRequest {
  image: InlineImage;
  promptChars: number;
  wantsJson: boolean;
  schema?: ResponseSchema;
}

interface RequestBody {
  contents?: { parts?: RequestPart[] }[];
  systemInstruction?: { parts?: RequestPart[] };
  generationConfig?: { responseMimeType?: unknown; responseSchema?: ResponseSchema; responseJsonSchema?: ResponseSchema };
}

interface RequestPart {
  text?: unknown;
  inlineData?: { mimeType?: unknown; data?: unknown };
}

const googleStatuses: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const faultMessages: Record<number, string> = {
  429: "Resource has been exhausted (e.g. check quota).",
  500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  503: "The model is overloaded. Please try again later.",
};

/** Returns the request, or the message of the 400 Gemini would send. */
export async function parseGenerateRequest(raw: Buffer): Promise<GenerateRequest | string> {
  let body: RequestBody;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return "Invalid JSON payload received.";
  }
  if (typeof body !== "object" || body === null || !Array.isArray(body.contents) || !body.contents.length) {
    return "* GenerateContentRequest.contents: contents is not specified";
  }
  const parts = body.contents.flatMap((content) => (Array.isArray(content?.parts) ? content.parts : []));
  const inline = parts.find((part) => part?.inlineData)?.inlineData;
  if (typeof inline?.mimeType !== "string" || typeof inline.data !== "string") {
    return "This stand-in needs an image: no part has inlineData with mimeType and base64 data.";
  }
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(inline.data)) return "inlineData.data: Base64 decoding failed";
  const bytes = Buffer.from(inline.data, "base64");
  const textParts = [...parts, ...(body.systemInstruction?.parts ?? [])];
  const config = body.generationConfig ?? {};
  return {
    image: { bytes, mimeType: inline.mimeType, sha256: createHash("sha256").update(bytes).digest("hex"), size: await readImageSize(bytes) },
    promptChars: textParts.reduce((sum, part) => sum + (typeof part?.text === "string" ? part.text.length : 0), 0),
    wantsJson: config.responseMimeType === "application/json",
    schema: config.responseSchema ?? config.responseJsonSchema,
  };
}

/**
 * What the stand-in calls itself in `modelVersion`, which the worker records as an analysis's
 * model: unmistakably not Gemini, so nothing written offline passes for Gemini's words.
 */
const standInModelVersion = "local-stand-in-analyzer (offline)";

/** The normal answer, or the one a scripted fault asks for (latency and timeout are the server's job). */
export function replyTo(request: GenerateRequest, fault?: GeminiFault): Reply {
  if (fault?.type === "status") return statusFault(fault.status, fault.retryAfter);
  let answer: string;
  try {
    answer = answerText(request, fault?.type === "invalid_schema");
  } catch (error) {
    if (!(error instanceof UnreadableImageError)) throw error;
    return googleError(400, `Unable to process input image (${error.message}).`);
  }
  // Whatever model was asked for, the answer says it came from here: the app shows this as the analysis's model.
  const envelope = { modelVersion: standInModelVersion, responseId: randomBytes(12).toString("base64url") };
  const usage = usageMetadata(request, fault?.type === "empty" || fault?.type === "safety" ? "" : answer);
  const candidate = { content: { role: "model", parts: [{ text: answer }] }, finishReason: "STOP", index: 0 };
  switch (fault?.type) {
    case "malformed":
      // A response cut short mid-stream: starts like the real thing, never closes.
      return ok(JSON.stringify({ candidates: [candidate], usageMetadata: usage, ...envelope }).slice(0, 60), usage);
    case "empty":
      return ok(JSON.stringify({ candidates: [], usageMetadata: usage, ...envelope }), usage);
    case "safety":
      return ok(JSON.stringify(fault.stage === "response" ? safetyCandidate(usage, envelope) : safetyPrompt(usage, envelope)), usage);
    default:
      return ok(JSON.stringify({ candidates: [candidate], usageMetadata: usage, ...envelope }), usage);
  }
}

/**
 * Gemini's published rule for an image's tokens: 258 when both sides are at most 384 px,
 * otherwise 258 for each 768×768 tile it is cut into. A size the stand-in cannot read counts as
 * the smallest image.
 */
function imageTokenCount(size: { width: number; height: number } | undefined): number {
  if (!size || (size.width <= 384 && size.height <= 384)) return tokensPerTile;
  return Math.ceil(size.width / 768) * Math.ceil(size.height / 768) * tokensPerTile;
}

const tokensPerTile = 258;

export function googleError(status: number, message: string, details?: unknown[]): Reply {
  const error = { code: status, message, status: googleStatuses[status] ?? "UNKNOWN", ...(details ? { details } : {}) };
  return { status, body: JSON.stringify({ error }) };
}

function answerText(request: GenerateRequest, breakingSchema: boolean): string {
  const description = describeImage(readImage(request.image.bytes, request.image.size));
  if (!request.wantsJson) return description.description;
  const valid = request.schema ? conformToSchema(description, request.schema) : description;
  return JSON.stringify(breakingSchema ? breakSchema(valid) : valid);
}

function statusFault(status: number, retryAfter?: number): Reply {
  const message = faultMessages[status] ?? `Injected HTTP ${status}.`;
  if (retryAfter === undefined) return googleError(status, message);
  const retryInfo = { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${retryAfter}s` };
  return { ...googleError(status, message, [retryInfo]), headers: { "retry-after": String(retryAfter) } };
}

function safetyPrompt(usageMetadata: object, envelope: object) {
  return { promptFeedback: { blockReason: "SAFETY", safetyRatings: [blockedRating] }, usageMetadata, ...envelope };
}

function safetyCandidate(usageMetadata: object, envelope: object) {
  return { candidates: [{ finishReason: "SAFETY", index: 0, safetyRatings: [blockedRating] }], usageMetadata, ...envelope };
}

const blockedRating = { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true };

/** Gemini's accounting: the image by its tiles (as shown; the tile count is the same turned), about four characters a text token. */
function usageMetadata(request: GenerateRequest, answer: string): UsageMetadata {
  const size = request.image.size;
  const imageTokens = imageTokenCount(size && { width: size.displayWidth, height: size.displayHeight });
  const textTokens = Math.ceil(request.promptChars / 4);
  const promptTokenCount = imageTokens + textTokens;
  const candidatesTokenCount = Math.ceil(answer.length / 4);
  return {
    promptTokenCount,
    candidatesTokenCount,
    totalTokenCount: promptTokenCount + candidatesTokenCount,
    promptTokensDetails: [
      { modality: "TEXT", tokenCount: textTokens },
      { modality: "IMAGE", tokenCount: imageTokens },
    ],
  };
}

function ok(body: string, usage: UsageMetadata): Reply {
  return { status: 200, body, usage };
}
