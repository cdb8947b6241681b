/**
 * Fault switches for tests: a scripted list consumed one per matching request,
 * or a persistent fault until cleared. `match` is one or more case-insensitive
 * substrings that must all occur in one statement's SQL or parameters, so a test can
 * fail `insert into "images"` for its own user id only while other tests run on.
 * `connection` is a substring the request's Neon-Connection-String must contain: a
 * statement that carries nothing of the test's own (`select 1`) is scoped by a
 * connection string only that test uses, e.g. with `?application_name=<its own id>`.
 */
export type DbFault =
  | { type: "error"; code?: string; message?: string }
  | { type: "status"; status: number }
  | { type: "latency"; ms: number }
  | { type: "down" };

interface Rule {
  match: string[];
  connection?: string;
  faults: DbFault[];
  persistent?: DbFault;
}

export class DbFaults {
  #rules: Rule[] = [];

  add(input: unknown): void {
    const body = (input ?? {}) as { match?: unknown; connection?: unknown; faults?: unknown; persistent?: unknown };
    const match = (Array.isArray(body.match) ? body.match : [body.match])
      .filter((m): m is string => typeof m === "string" && m !== "")
      .map((m) => m.toLowerCase());
    if (body.connection !== undefined && (typeof body.connection !== "string" || !body.connection)) {
      throw new Error("connection must be a non-empty string");
    }
    const faults = Array.isArray(body.faults) ? (body.faults as DbFault[]) : [];
    const persistent = body.persistent as DbFault | undefined;
    if (!faults.length && !persistent) throw new Error("give faults: [...] or persistent: {...}");
    this.#rules.push({ match, connection: body.connection, faults: [...faults], persistent });
  }

  clear(): void {
    this.#rules = [];
  }

  /** The fault this request meets, if any; scripted faults are used up. */
  take(statements: { query: string; params: (string | null)[] }[], connectionString: string): DbFault | undefined {
    const lowered = statements.map((s) => `${s.query} ${s.params.join(" ")}`.toLowerCase());
    for (const rule of this.#rules) {
      if (rule.connection !== undefined && !connectionString.includes(rule.connection)) continue;
      if (rule.match.length && !lowered.some((text) => rule.match.every((m) => text.includes(m)))) continue;
      const next = rule.faults.shift();
      if (next) return next;
      if (rule.persistent) return rule.persistent;
    }
    return undefined;
  }
}
