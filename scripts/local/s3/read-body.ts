import type { IncomingMessage } from "node:http";
import { S3Error } from "./s3-error";

// Bodies are buffered to check their digests; local test images stay far below this.
const maxBodyBytes = 64 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new S3Error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
