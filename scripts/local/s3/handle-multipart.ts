import type { ServerResponse } from "node:http";
import { listPartsResult, listUploadsResult, readCompleteRequest, sendXml } from "./multipart-xml";
import { checkCompletion, checkPartNumber } from "./part-rules";
import { S3Error } from "./s3-error";
import type { S3rverUploads } from "./s3rver-uploads";

export type MultipartOperation =
  | "CreateMultipartUpload"
  | "UploadPart"
  | "ListParts"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "ListMultipartUploads";

/** The bucket and, for an object request, the decoded key a (verified) path names. */
export interface Resource {
  bucket: string;
  key?: string;
}

const maxListed = 1000;

export function multipartOperation(method: string, resource: Resource, query: URLSearchParams): MultipartOperation | undefined {
  if (resource.key === undefined) return method === "GET" && query.has("uploads") ? "ListMultipartUploads" : undefined;
  if (method === "POST" && query.has("uploads")) return "CreateMultipartUpload";
  if (!query.has("uploadId")) return undefined;
  const byMethod: Record<string, MultipartOperation> = {
    PUT: "UploadPart",
    GET: "ListParts",
    POST: "CompleteMultipartUpload",
    DELETE: "AbortMultipartUpload",
  };
  return byMethod[method];
}

/**
 * The multipart requests s3rver 3.7 cannot serve, or serves without R2's checks. Answers
 * ListParts, AbortMultipartUpload and ListMultipartUploads itself; checks UploadPart (the
 * upload exists for this key, the part number is in range) and CompleteMultipartUpload (R2's
 * part rules) and then leaves them to s3rver. Returns whether the response was sent.
 */
export async function handleMultipart(
  res: ServerResponse,
  operation: MultipartOperation,
  { bucket, key = "" }: Resource,
  query: URLSearchParams,
  body: Buffer,
  uploads: S3rverUploads,
): Promise<boolean> {
  const uploadId = query.get("uploadId") ?? "";
  switch (operation) {
    case "CreateMultipartUpload":
      return false;
    case "UploadPart":
      checkPartNumber(query.get("partNumber"));
      await uploads.find(bucket, key, uploadId);
      return false;
    case "CompleteMultipartUpload": {
      const upload = await uploads.find(bucket, key, uploadId);
      checkCompletion(readCompleteRequest(body), await uploads.parts(upload));
      return false;
    }
    case "AbortMultipartUpload":
      await uploads.abort(await uploads.find(bucket, key, uploadId));
      res.writeHead(204).end();
      return true;
    case "ListParts": {
      const upload = await uploads.find(bucket, key, uploadId);
      const marker = integerParam(query, "part-number-marker", 0);
      const maxParts = Math.min(integerParam(query, "max-parts", maxListed), maxListed);
      const after = (await uploads.parts(upload)).filter((part) => part.partNumber > marker);
      sendXml(res, listPartsResult(upload, { parts: after.slice(0, maxParts), marker, maxParts, truncated: after.length > maxParts }));
      return true;
    }
    case "ListMultipartUploads": {
      if (query.has("delimiter")) throw new S3Error(501, "NotImplemented", "The local S3 gate does not group uploads by delimiter.");
      const prefix = query.get("prefix") ?? "";
      const keyMarker = query.get("key-marker") ?? "";
      // As S3: the upload id marker counts only with a key marker.
      const uploadIdMarker = keyMarker ? (query.get("upload-id-marker") ?? "") : "";
      const maxUploads = Math.min(integerParam(query, "max-uploads", maxListed), maxListed);
      const after = (await uploads.list(bucket)).filter(
        (upload) =>
          upload.key.startsWith(prefix) && (upload.key > keyMarker || (upload.key === keyMarker && !!uploadIdMarker && upload.uploadId > uploadIdMarker)),
      );
      const page = { uploads: after.slice(0, maxUploads), prefix, keyMarker, uploadIdMarker, maxUploads, truncated: after.length > maxUploads };
      sendXml(res, listUploadsResult(bucket, page));
      return true;
    }
  }
}

function integerParam(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  if (text === null) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new S3Error(400, "InvalidArgument", `Provided ${name} not an integer or within integer range`);
  return Number(text);
}
