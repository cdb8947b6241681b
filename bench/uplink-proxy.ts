import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Uplink } from "./paced";

/** What the proxy saw of one part (an upload id and part number): body bytes from the browser, PUTs, and the bucket's 2xx answers. */
export interface PartTraffic {
  bytes: number;
  puts: number;
  acknowledged: number;
}

export interface UplinkProxy {
  url: string;
  /** Every part PUT so far, by `<uploadId>#<partNumber>`. */
  parts: Map<string, PartTraffic>;
  /** Body bytes of part PUTs taken from the browser so far, in all. */
  partBytes(): number;
  /** The most part PUTs that were under way at once. */
  mostPartsInFlight(): number;
  close(): Promise<void>;
}

/**
 * A plain HTTP forward proxy for Chromium (bench/browser.ts) that is the browser's uplink: every
 * request body is read off the browser's connection at the pace of one shared Uplink (50 Mbit/s,
 * bench/paced.ts, the same model as the Node clients'), and the bytes of every part PUT's body are
 * counted as they are taken, a body cut off by a closed page included. What the browser had
 * written that still sat in the connection's socket buffers (some hundred KiB) is not counted.
 */
export async function startUplinkProxy(link = new Uplink()): Promise<UplinkProxy> {
  const parts = new Map<string, PartTraffic>();
  let inFlight = 0;
  let most = 0;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/");
    const partKey = req.method === "PUT" && url.searchParams.has("partNumber") ? `${url.searchParams.get("uploadId")}#${url.searchParams.get("partNumber")}` : undefined;
    const part = partKey === undefined ? undefined : (parts.get(partKey) ?? { bytes: 0, puts: 0, acknowledged: 0 });
    if (partKey && part) {
      parts.set(partKey, part);
      part.puts++;
      most = Math.max(most, ++inFlight);
      res.on("close", () => inFlight--);
    }
    const headers = { ...req.headers };
    delete headers["proxy-connection"];
    const upstream = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: req.method, headers }, (answer) => {
      if (part && (answer.statusCode ?? 0) < 300) part.acknowledged++;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.on("data", (chunk: Buffer) => {
      if (part) part.bytes += chunk.length;
      req.pause();
      upstream.write(chunk);
      // The bucket's side may have drained during the wait already: ask then, not at the write.
      void link.carry(chunk.length).then(() => (upstream.writableNeedDrain ? upstream.once("drain", () => req.resume()) : req.resume()));
    });
    req.on("end", () => upstream.end());
    // A browser that goes away mid-body (a closed page) takes the request to the bucket with it.
    req.on("close", () => !req.complete && upstream.destroy());
  };
  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    parts,
    partBytes: () => [...parts.values()].reduce((sum, part) => sum + part.bytes, 0),
    mostPartsInFlight: () => most,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
