import { S3Error } from "./s3-error";
import type { StoredPart } from "./s3rver-uploads";

/** One `<Part>` of a CompleteMultipartUpload body. */
export interface RequestedPart {
  partNumber: number;
  etag: string;
}

const maxPartNumber = 10_000;
const minPartBytes = 5 * 1024 * 1024;

/** UploadPart's partNumber: an integer from 1 to 10,000, as S3 and R2 require. */
export function checkPartNumber(text: string | null): void {
  if (text !== null && /^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= maxPartNumber) return;
  throw new S3Error(400, "InvalidArgument", `Part number must be an integer between 1 and ${maxPartNumber}, inclusive`);
}

/**
 * R2's rules at CompleteMultipartUpload: parts listed in ascending order, each one uploaded with
 * the ETag given, every part but the last at least 5 MiB and all of them the same size, the last
 * no larger. Part numbers stop at 10,000 and must ascend, so no list passes with more parts.
 * R2 answers a size mismatch with InvalidPart "All non-trailing parts must have the same length.";
 * its message for a last part larger than the others is not documented: the code is the same.
 */
export function checkCompletion(requested: RequestedPart[], stored: StoredPart[]): void {
  requested.forEach((part, i) => {
    if (i > 0 && part.partNumber <= (requested[i - 1]?.partNumber ?? 0)) {
      throw new S3Error(400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.");
    }
  });
  const byNumber = new Map(stored.map((part) => [part.partNumber, part]));
  const sizes = requested.map((part) => {
    const found = byNumber.get(part.partNumber);
    if (!found || unquote(found.etag) !== unquote(part.etag)) {
      throw new S3Error(
        400,
        "InvalidPart",
        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
      );
    }
    return found.size;
  });
  const last = sizes.pop() ?? 0;
  const [first] = sizes;
  if (first === undefined) return;
  if (sizes.some((size) => size < minPartBytes)) {
    throw new S3Error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.");
  }
  if (sizes.some((size) => size !== first)) throw new S3Error(400, "InvalidPart", "All non-trailing parts must have the same length.");
  if (last > first) throw new S3Error(400, "InvalidPart", "The last part must not be larger than the other parts.");
}

const unquote = (etag: string) => etag.replaceAll('"', "").trim().toLowerCase();
