import type { GeminiFault } from "./faults";
import type { InlineImage, UsageMetadata } from "./generate-content";

/**
 * What the stand-in received, so tests can assert "called once" or "received
 * nothing". Never holds the API key, only whether and where one was sent.
 */
export type RequestOutcome =
  | "pending"
  | "ok"
  | "key_in_url"
  | "forbidden"
  | "invalid_request"
  | "client_gone"
  | `fault:${Exclude<GeminiFault["type"], "latency" | "hold">}`;

interface RequestRecord {
  at: string;
  model: string;
  sha256: string | null;
  /** As the request declared it. */
  mimeType: string | null;
  /** The inline image's length after base64 decoding. */
  bytes: number;
  /** The image's size as stored in the file, and as shown (orientation applied); null when unreadable or absent. */
  width: number | null;
  height: number | null;
  displayWidth: number | null;
  displayHeight: number | null;
  apiKeyInHeader: boolean;
  urlHadKey: boolean;
  outcome: RequestOutcome;
  /** The usageMetadata answered (tokens in and out), for cost counts; null until answered, or when the answer had none. */
  usage: UsageMetadata | null;
}

// Bounds memory when `npm run dev` stays up for days; tests look at recent calls only.
const maxRecords = 1000;

export class RequestLog {
  #records: RequestRecord[] = [];

  record(call: { model: string; image?: InlineImage; apiKeyInHeader: boolean; urlHadKey: boolean }): RequestRecord {
    const record: RequestRecord = {
      at: new Date().toISOString(),
      model: call.model,
      sha256: call.image?.sha256 ?? null,
      mimeType: call.image?.mimeType ?? null,
      bytes: call.image?.bytes.length ?? 0,
      width: call.image?.size?.width ?? null,
      height: call.image?.size?.height ?? null,
      displayWidth: call.image?.size?.displayWidth ?? null,
      displayHeight: call.image?.size?.displayHeight ?? null,
      apiKeyInHeader: call.apiKeyInHeader,
      urlHadKey: call.urlHadKey,
      outcome: "pending",
      usage: null,
    };
    this.#records.push(record);
    if (this.#records.length > maxRecords) this.#records.shift();
    return record;
  }

  list(sha256?: string): RequestRecord[] {
    const wanted = sha256?.toLowerCase();
    return wanted ? this.#records.filter((r) => r.sha256 === wanted) : [...this.#records];
  }
}
