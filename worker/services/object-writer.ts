import { crc32 } from "../lib/crc32";
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, uploadPart } from "./multipart-store";
import { putObject, type StoreDeps } from "./object-store";

/**
 * Parts of one size (R2: all but the last the same, at least 5 MiB): what the writer holds at
 * once, whatever the object's size.
 */
const writePartBytes = 8 * 1024 * 1024;

export interface WrittenObject {
  size: number;
  sha256: string;
  crc32: number;
}

/**
 * Writes a stream to `key` without holding it whole: a stream that ends within one part is one
 * PUT (with its checksum); a longer one a multipart upload of `writePartBytes` parts, aborted if
 * anything fails. SHA-256 (WebCrypto's DigestStream, native) and CRC-32 are taken on the way.
 */
export async function writeStreamedObject(
  deps: StoreDeps,
  key: string,
  source: ReadableStream<Uint8Array>,
  meta: { contentType: string; fileName: string },
): Promise<WrittenObject> {
  const digest = new crypto.DigestStream("SHA-256");
  const hasher = digest.getWriter();
  let crc = 0;
  let size = 0;
  let part = new Uint8Array(writePartBytes);
  let filled = 0;
  let uploadId: string | undefined;
  const etags: { PartNumber: number; ETag: string }[] = [];
  const flush = async () => {
    uploadId ??= await createMultipartUpload(deps, key, meta);
    etags.push({ PartNumber: etags.length + 1, ETag: await uploadPart(deps, key, uploadId, etags.length + 1, part.subarray(0, filled)) });
    part = new Uint8Array(writePartBytes);
    filled = 0;
  };
  try {
    const reader = source.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const chunk = next.value;
      await hasher.write(chunk);
      crc = crc32(chunk, crc);
      size += chunk.length;
      for (let at = 0; at < chunk.length; ) {
        const take = Math.min(chunk.length - at, writePartBytes - filled);
        part.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === writePartBytes) await flush();
      }
    }
    await hasher.close();
    const sha256 = hex(await digest.digest);
    if (uploadId === undefined) {
      await putObject(deps, key, part.subarray(0, filled), { ...meta, sha256Hex: sha256 });
    } else {
      if (filled > 0) await flush();
      await completeMultipartUpload(deps, key, uploadId, etags);
    }
    return { size, sha256, crc32: crc };
  } catch (error) {
    if (uploadId !== undefined) await abortMultipartUpload(deps, key, uploadId).catch(() => undefined);
    throw error;
  }
}

const hex = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
