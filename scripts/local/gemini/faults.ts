/**
 * Fault scripts for tests. A script keyed by the sha256 of an image touches only
 * requests carrying that image, so test files running in parallel stay apart;
 * an unkeyed script touches every request. Scripted faults are used up one per
 * matching request; a persistent latency lasts until cleared. A held request gets
 * the normal answer once the test releases it (see held-answers.ts).
 */
export type GeminiFault =
  | { type: "latency"; ms: number }
  | { type: "hold" }
  | { type: "status"; status: number; retryAfter?: number }
  | { type: "malformed" }
  | { type: "invalid_schema" }
  | { type: "safety"; stage?: "prompt" | "response" }
  | { type: "timeout" }
  | { type: "empty" };

interface FaultPlan {
  latencyMs: number;
  fault?: GeminiFault;
}

interface Script {
  sha256?: string;
  faults: GeminiFault[];
}

const injectableStatuses = [400, 403, 404, 429, 500, 503, 504];
const maxLatencyMs = 10 * 60_000;

export class GeminiFaults {
  #scripts: Script[] = [];
  /** Keyed by sha256; "" holds the latency for every request. */
  #latencies = new Map<string, number>();

  /** Takes the body of POST /__admin/faults; throws an Error naming what is wrong. */
  configure(input: unknown): void {
    const body = (input ?? {}) as { sha256?: unknown; faults?: unknown; persistent?: unknown };
    const sha256 = parseSha256(body.sha256);
    if (body.faults === undefined && body.persistent === undefined) throw new Error("give faults: [...] or persistent: {...}");
    if (body.faults !== undefined && !Array.isArray(body.faults)) throw new Error("faults must be an array");
    const persistent = body.persistent === undefined ? undefined : parseFault(body.persistent);
    if (persistent && persistent.type !== "latency") throw new Error("persistent supports only {type: \"latency\", ms}");
    const faults = (body.faults ?? []).map(parseFault);

    if (faults.length) this.#scripts.push({ sha256, faults });
    if (persistent) this.#latencies.set(sha256 ?? "", persistent.ms);
  }

  clear(sha256?: string): void {
    const key = parseSha256(sha256);
    if (key === undefined) {
      this.#scripts = [];
      this.#latencies.clear();
      return;
    }
    this.#scripts = this.#scripts.filter((script) => script.sha256 !== key);
    this.#latencies.delete(key);
  }

  /** What the next request carrying this image meets; a script for the image goes before a global one. */
  take(sha256: string): FaultPlan {
    const latencyMs = (this.#latencies.get("") ?? 0) + (this.#latencies.get(sha256) ?? 0);
    const script =
      this.#scripts.find((s) => s.sha256 === sha256) ?? this.#scripts.find((s) => s.sha256 === undefined);
    if (!script) return { latencyMs };
    const fault = script.faults.shift();
    if (!script.faults.length) this.#scripts.splice(this.#scripts.indexOf(script), 1);
    return { latencyMs, fault };
  }
}

function parseSha256(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || !/^[0-9a-f]{64}$/i.test(value)) throw new Error("sha256 must be 64 hex digits");
  return value.toLowerCase();
}

function parseFault(input: unknown): GeminiFault {
  const fault = (input ?? {}) as Record<string, unknown>;
  switch (fault.type) {
    case "latency":
      if (!isWholeNumber(fault.ms, maxLatencyMs)) throw new Error(`latency needs ms between 0 and ${maxLatencyMs}`);
      return { type: "latency", ms: fault.ms };
    case "status":
      if (typeof fault.status !== "number" || !injectableStatuses.includes(fault.status)) {
        throw new Error(`status must be one of ${injectableStatuses.join(", ")}`);
      }
      if (fault.retryAfter !== undefined && !isWholeNumber(fault.retryAfter, 86_400)) {
        throw new Error("retryAfter must be whole seconds");
      }
      return { type: "status", status: fault.status, retryAfter: fault.retryAfter };
    case "safety":
      if (fault.stage !== undefined && fault.stage !== "prompt" && fault.stage !== "response") {
        throw new Error('safety stage must be "prompt" or "response"');
      }
      return { type: "safety", stage: fault.stage };
    case "hold":
    case "malformed":
    case "invalid_schema":
    case "timeout":
    case "empty":
      return { type: fault.type };
    default:
      throw new Error(`unknown fault type ${JSON.stringify(fault.type)}`);
  }
}

function isWholeNumber(value: unknown, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max;
}
