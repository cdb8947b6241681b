/**
 * Fault switches for tests: a scripted list consumed one per matching request,
 * or a persistent fault until cleared. `match` is a case-insensitive substring
 * of any statement's SQL, so a test can fail "insert into \"images\"" only.
 */
export type DbFault =
  | { type: "error"; code?: string; message?: string }
  | { type: "status"; status: number }
  | { type: "latency"; ms: number }
  | { type: "down" };

interface Rule {
  match: string;
  faults: DbFault[];
  persistent?: DbFault;
}

export class DbFaults {
  #rules: Rule[] = [];

  add(input: unknown): void {
    const body = (input ?? {}) as { match?: unknown; faults?: unknown; persistent?: unknown };
    const match = typeof body.match === "string" ? body.match.toLowerCase() : "";
    const faults = Array.isArray(body.faults) ? (body.faults as DbFault[]) : [];
    const persistent = body.persistent as DbFault | undefined;
    if (!faults.length && !persistent) throw new Error("give faults: [...] or persistent: {...}");
    this.#rules.push({ match, faults: [...faults], persistent });
  }

  clear(): void {
    this.#rules = [];
  }

  /** The fault this request meets, if any; scripted faults are used up. */
  take(sqlTexts: string[]): DbFault | undefined {
    const lowered = sqlTexts.map((text) => text.toLowerCase());
    for (const rule of this.#rules) {
      if (rule.match && !lowered.some((text) => text.includes(rule.match))) continue;
      const next = rule.faults.shift();
      if (next) return next;
      if (rule.persistent) return rule.persistent;
    }
    return undefined;
  }
}
