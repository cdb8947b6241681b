import type { Deps } from "../deps";
import type { DirectUpload, MetadataStatus } from "../db/schema";
import { crc32 } from "../lib/crc32";
import { type InspectedImage, inspectImage, stripMetadata } from "../images/codec";
import { getObjectBytes, putObject } from "./object-store";

/** Why an upload's object cannot become an image; final, the upload's `error`. */
export class IngestRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "IngestRefusal";
  }
}

/** The image's own object, written: where, how big, its hashes, what it is, and what was stripped. */
export interface IngestedObject {
  key: string;
  size: number;
  sha256: string;
  crc32: number;
  image: InspectedImage;
  stripped: { removed: string[]; status: MetadataStatus };
}

/**
 * Reads the incoming object, checks what it is from its bytes, strips its metadata (unless the
 * owner keeps it) and writes the result under the image's own key.
 */
export async function writeStrippedCopy(deps: Deps, upload: DirectUpload, _size: number): Promise<IngestedObject> {
  const original = await getObjectBytes(deps, upload.key);
  const sniffed = inspectImage(original);
  if (!sniffed.ok) {
    throw new IngestRefusal(sniffed.reason === "unsupported" || sniffed.reason === "empty" ? "unsupported_type" : `${sniffed.reason}_file`, sniffed.message);
  }
  const image = sniffed.image;
  let bytes = original;
  let stripped: IngestedObject["stripped"] = { removed: [], status: "kept" };
  if (!upload.keepMetadata) {
    const result = stripMetadata(original, image.format);
    if (!result.ok) throw new IngestRefusal("metadata_unreadable", result.message);
    bytes = result.bytes;
    stripped = { removed: result.removed, status: result.removed.length > 0 ? "removed" : "none_found" };
  }
  const sha256 = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
  const key = `users/${upload.userId}/${crypto.randomUUID()}.${image.extension}`;
  await putObject(deps, key, bytes, { contentType: image.contentType, fileName: upload.fileName, sha256Hex: sha256 });
  return { key, size: bytes.length, sha256, crc32: crc32(bytes), image, stripped };
}
