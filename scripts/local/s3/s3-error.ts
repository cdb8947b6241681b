import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";

/** An error S3 itself would answer with; the gate sends it as S3's XML error document. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendS3Error(res: ServerResponse, error: S3Error): void {
  if (res.headersSent) return;
  const requestId = randomBytes(8).toString("hex").toUpperCase();
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `<RequestId>${requestId}</RequestId></Error>`;
  res
    .writeHead(error.status, {
      "content-type": "application/xml",
      "content-length": Buffer.byteLength(xml),
      "x-amz-request-id": requestId,
    })
    .end(xml);
}

const xmlEntities: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" };

/** Text for an XML element; named entities, as S3 writes them (`<ETag>&quot;…&quot;</ETag>`). */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => xmlEntities[c] ?? c);
}
