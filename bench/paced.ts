import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** A phone's or a home's uplink: 50 Mbit/s. */
const uplinkBytesPerSecond = (50 * 1e6) / 8;
const chunkBytes = 16 * 1024;

/**
 * One HTTP request whose body leaves no faster than `bytesPerSecond`, as over a real uplink
 * (loopback would send megabytes in a millisecond). Resolves with the status and body once
 * the whole answer has arrived.
 */
export function pacedRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body: Buffer },
  bytesPerSecond = uplinkBytesPerSecond,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: { ...init.headers, "content-length": String(init.body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    void (async () => {
      const started = performance.now();
      for (let sent = 0; sent < init.body.length; ) {
        const chunk = init.body.subarray(sent, sent + chunkBytes);
        if (!req.write(chunk)) await new Promise((drained) => req.once("drain", drained));
        sent += chunk.length;
        // Wait until the uplink would have carried what has been sent so far.
        const due = (sent / bytesPerSecond) * 1000 - (performance.now() - started);
        if (due > 0) await sleep(due);
      }
      req.end();
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
