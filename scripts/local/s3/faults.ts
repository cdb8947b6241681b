/**
 * Fault switches for tests: a scripted list consumed one per matching request, or a
 * persistent fault until cleared. Scoping by method and key prefix lets parallel test
 * files fault only their own keys (users/<uuid>/...); scoping by bucket covers requests
 * that name no key (a bucket HEAD or listing) in a bucket only that test uses.
 */
export type S3Fault = { type: "status"; status: 500 | 503 } | { type: "latency"; ms: number } | { type: "down" };

const methods = ["GET", "PUT", "DELETE", "HEAD", "POST"] as const;
type FaultMethod = (typeof methods)[number];

/** What a request is matched on: its bucket, and its object key (a listing's prefix). */
export interface FaultTarget {
  bucket: string;
  key: string;
}

interface FaultRule {
  method?: FaultMethod;
  bucket?: string;
  keyPrefix?: string;
  faults: S3Fault[];
  persistent?: S3Fault;
}

export class S3Faults {
  #rules: FaultRule[] = [];

  /** Adds a rule from the admin API's JSON; throws a readable Error on bad input. */
  add(input: unknown): void {
    this.#rules.push(parseRule(input));
  }

  clear(): void {
    this.#rules = [];
  }

  /** The fault this request meets, if any; scripted faults are used up in order. */
  take(method: string, { bucket, key }: FaultTarget): S3Fault | undefined {
    for (const rule of this.#rules) {
      if (rule.method && rule.method !== method) continue;
      if (rule.bucket !== undefined && rule.bucket !== bucket) continue;
      if (rule.keyPrefix !== undefined && !key.startsWith(rule.keyPrefix)) continue;
      const next = rule.faults.shift();
      if (!next && !rule.persistent) continue;
      if (!rule.faults.length && !rule.persistent) this.#rules = this.#rules.filter((r) => r !== rule);
      return next ?? rule.persistent;
    }
    return undefined;
  }
}

function parseRule(input: unknown): FaultRule {
  if (!isRecord(input)) throw new Error("expected a JSON object");
  const { method, bucket, keyPrefix, faults = [], persistent } = input;
  if (method !== undefined && !isMethod(method)) {
    throw new Error(`method must be one of ${methods.join(", ")}`);
  }
  if (bucket !== undefined && (typeof bucket !== "string" || !bucket)) throw new Error("bucket must be a non-empty string");
  if (keyPrefix !== undefined && typeof keyPrefix !== "string") throw new Error("keyPrefix must be a string");
  if (!Array.isArray(faults)) throw new Error("faults must be an array");
  if (!faults.length && persistent === undefined) throw new Error("give faults: [...] or persistent: {...}");
  return {
    method,
    bucket,
    keyPrefix,
    faults: faults.map(parseFault),
    persistent: persistent === undefined ? undefined : parseFault(persistent),
  };
}

function parseFault(input: unknown): S3Fault {
  if (isRecord(input)) {
    if (input.type === "down") return { type: "down" };
    if (input.type === "status" && (input.status === 500 || input.status === 503)) return { type: "status", status: input.status };
    if (input.type === "latency" && typeof input.ms === "number" && input.ms >= 0) return { type: "latency", ms: input.ms };
  }
  throw new Error(`not a fault: ${JSON.stringify(input)} (use {type:"status",status:500|503}, {type:"latency",ms}, {type:"down"})`);
}

function isMethod(value: unknown): value is FaultMethod {
  return methods.some((method) => method === value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
