import type { Deps } from "../deps";
import type { DirectUpload, MetadataStatus } from "../db/schema";
import { type InspectedImage, inspectImage } from "../images/inspect-stream";
import { type RangedObject, stripMetadataStream } from "../images/strip-stream";
import { getObjectRange } from "./multipart-store";
import { getObjectStream } from "./object-store";
import { writeStreamedObject } from "./object-writer";

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

/** Reads of 4 MiB: about 50 for a 100 MiB object read twice, well inside a Worker's subrequests, a few MiB held at once. */
const readBytes = 4 * 1024 * 1024;

/**
 * The incoming object as an image of its own, never held whole: inspected from its bytes (type,
 * size, orientation, capture time: what `inspectImage` answers for an upload through the worker),
 * stripped of metadata by the same allow-list (unless the owner keeps it), and written under the
 * image's own key, hashed on the way. Every read names the object's ETag, so a changed object fails.
 */
export async function writeStrippedCopy(deps: Deps, upload: DirectUpload, object: { size: number; etag: string }): Promise<IngestedObject> {
  const ranged: RangedObject = { size: object.size, read: (offset, length) => getObjectRange(deps, upload.key, offset, length, object.etag || undefined) };
  const inspected = await inspectImage(ranged);
  if (!inspected.ok) {
    throw new IngestRefusal(inspected.reason === "unsupported" || inspected.reason === "empty" ? "unsupported_type" : `${inspected.reason}_file`, inspected.message);
  }
  const image = inspected.image;
  let source: ReadableStream<Uint8Array>;
  let stripped: IngestedObject["stripped"];
  if (upload.keepMetadata) {
    source = (await getObjectStream(deps, upload.key)).body;
    stripped = { removed: [], status: "kept" };
  } else {
    const result = await stripMetadataStream(ranged, image.format, { blockSize: readBytes });
    if (!result.ok) throw new IngestRefusal("metadata_unreadable", result.message);
    source = result.stream;
    stripped = { removed: result.removed, status: result.removed.length > 0 ? "removed" : "none_found" };
  }
  const key = `users/${upload.userId}/${crypto.randomUUID()}.${image.extension}`;
  const written = await writeStreamedObject(deps, key, source, { contentType: image.contentType, fileName: upload.fileName });
  return { key, ...written, image, stripped };
}
