import type { GeminiFault } from "./faults";
import type { InlineImage } from "./generate-content";

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
  mimeType: string | null;
  bytes: number;
  apiKeyInHeader: boolean;
  urlHadKey: boolean;
  outcome: RequestOutcome;
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
      apiKeyInHeader: call.apiKeyInHeader,
      urlHadKey: call.urlHadKey,
      outcome: "pending",
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
