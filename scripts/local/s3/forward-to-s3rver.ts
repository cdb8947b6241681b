import { Agent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { presignQueryParams } from "./read-authorization";

/** What the gate already checked (auth, digests) or what belongs to one hop only. */
const consumedRequestHeader =
  /^(host|authorization|x-amz-date|x-amz-content-sha256|x-amz-security-token|x-amz-checksum-.+|x-amz-sdk-checksum-algorithm|x-amz-trailer|content-md5|content-length|transfer-encoding|connection|keep-alive|expect)$/;
const hopByHopResponseHeaders = new Set(["connection", "keep-alive", "transfer-encoding"]);

// s3rver checks no SigV4 signature but wants a known access key id: its built-in account.
const s3rverCredentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/**
 * Passes a request the gate verified on to s3rver, re-signed for s3rver's own account
 * (an anonymous request could not use response-* overrides), and streams the answer back.
 */
export class S3rverForwarder {
  readonly #agent = new Agent({ keepAlive: true });
  readonly #signer: SignatureV4;
  readonly #port: number;

  constructor(upstream: { port: number; region: string }) {
    this.#port = upstream.port;
    this.#signer = new SignatureV4({ service: "s3", region: upstream.region, credentials: s3rverCredentials, sha256: Sha256 });
  }

  async forward(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string, body: Buffer): Promise<void> {
    const method = req.method ?? "GET";
    const query = withoutPresignParams(rawQuery);
    const signed = await this.#signer.sign(
      new HttpRequest({
        method,
        protocol: "http:",
        hostname: "127.0.0.1",
        path: rawPath,
        query: Object.fromEntries(new URLSearchParams(query)),
        headers: { host: `127.0.0.1:${this.#port}`, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      }),
    );
    const headers = {
      ...Object.fromEntries(Object.entries(req.headers).filter(([name]) => !consumedRequestHeader.test(name))),
      ...signed.headers,
      "content-length": String(body.length),
    };

    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const upstreamRequest = httpRequest(
        { hostname: "127.0.0.1", port: this.#port, method, path: query ? `${rawPath}?${query}` : rawPath, headers, agent: this.#agent },
        resolve,
      );
      upstreamRequest.on("error", reject);
      upstreamRequest.end(body);
    });
    res.writeHead(upstream.statusCode ?? 502, responseHeaders(upstream.headers));
    await pipeline(upstream, res);
  }

  close(): void {
    this.#agent.destroy();
  }
}

function withoutPresignParams(rawQuery: string): string {
  return rawQuery
    .split("&")
    .filter((pair) => {
      const [name] = new URLSearchParams(pair).keys();
      return name !== undefined && !presignQueryParams.includes(name);
    })
    .join("&");
}

function responseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHopResponseHeaders.has(name)));
}
