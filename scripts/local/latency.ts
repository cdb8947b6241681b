import type { IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

const maxLatencyMs = 2_000;

/**
 * A network's round trip for the bench: every answer waits `ms` after its request has been
 * read, so a client pays it once per request however its body was sent. Set through
 * POST /__admin/latency {"ms": n} (0 turns it off); unlike a fault it applies to every request.
 */
export class InjectedLatency {
  ms = 0;

  async wait(): Promise<void> {
    // Unref'd so a pending delay never holds the process open after close().
    if (this.ms > 0) await sleep(this.ms, undefined, { ref: false });
  }

  /** The admin route's answer: the status and body to send. */
  async handle(req: IncomingMessage, body: () => Promise<Buffer>): Promise<[number, unknown]> {
    if (req.method === "GET") return [200, { ms: this.ms }];
    if (req.method !== "POST") return [405, { message: "use GET or POST" }];
    let ms: unknown;
    try {
      ({ ms } = JSON.parse((await body()).toString("utf8")) as { ms?: unknown });
    } catch {
      return [400, { message: "send JSON {ms}" }];
    }
    if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > maxLatencyMs) {
      return [400, { message: `ms must be a whole number from 0 to ${maxLatencyMs}` }];
    }
    this.ms = ms;
    return [200, { ms }];
  }
}
