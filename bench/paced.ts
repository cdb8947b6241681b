import { type IncomingHttpHeaders, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** A phone's or a home's uplink: 50 Mbit/s. */
const uplinkBytesPerSecond = (50 * 1e6) / 8;
const chunkBytes = 16 * 1024;

/**
 * One uplink that requests share, as a browser's parallel uploads share the user's link: each
 * chunk a request writes takes its turn after what was written before, on any request.
 */
export class Uplink {
  private freeAt = 0;
  constructor(readonly bytesPerSecond = uplinkBytesPerSecond) {}

  /** Resolves once the link would have carried `bytes` more, after everything queued before them. */
  async carry(bytes: number) {
    const now = performance.now();
    this.freeAt = Math.max(this.freeAt, now) + (bytes / this.bytesPerSecond) * 1000;
    if (this.freeAt > now) await sleep(this.freeAt - now);
  }
}

/**
 * One HTTP request whose body leaves no faster than its uplink, as over a real one (loopback
 * would send megabytes in a millisecond): a link of its own at 50 Mbit/s, or one shared with
 * other requests. Resolves with the status, headers and body once the whole answer has arrived.
 */
export function pacedRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body: Buffer },
  link = new Uplink(),
): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: { ...init.headers, "content-length": String(init.body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    void (async () => {
      for (let sent = 0; sent < init.body.length && !req.destroyed; ) {
        const chunk = init.body.subarray(sent, sent + chunkBytes);
        if (!req.write(chunk)) await new Promise((drained) => req.once("drain", drained));
        sent += chunk.length;
        await link.carry(chunk.length);
      }
      if (!req.destroyed) req.end();
    })().catch((error: unknown) => req.destroy(error as Error));
  });
}

/** A multipart body with one `image` file part, as a browser's FormData would send it. */
export function multipartImage(png: Buffer, fileName = "bench.png"): { body: Buffer; contentType: string } {
  const boundary = `----bench${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${fileName}"\r\nContent-Type: image/png\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), png, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
