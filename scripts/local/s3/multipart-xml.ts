import type { ServerResponse } from "node:http";
import type { RequestedPart } from "./part-rules";
import { S3Error, escapeXml } from "./s3-error";
import type { StoredPart, Upload, UploadSummary } from "./s3rver-uploads";

const xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";
const malformed = () =>
  new S3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.");

/** The parts of a CompleteMultipartUpload body, in the order given; checksums and other fields are ignored. */
export function readCompleteRequest(body: Buffer): RequestedPart[] {
  const text = body.toString("utf8");
  if (!/<CompleteMultipartUpload[\s>]/.test(text)) throw malformed();
  const parts = [...text.matchAll(/<Part(?:\s[^>]*)?>([\s\S]*?)<\/Part>/g)].map(([, inner = ""]) => {
    const partNumber = /<PartNumber>\s*(\d{1,9})\s*<\/PartNumber>/.exec(inner)?.[1];
    const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(inner)?.[1];
    if (partNumber === undefined || etag === undefined) throw malformed();
    return { partNumber: Number(partNumber), etag: unescapeXml(etag) };
  });
  if (!parts.length) throw malformed();
  return parts;
}

export function listPartsResult(upload: Upload, page: { parts: StoredPart[]; marker: number; maxParts: number; truncated: boolean }): string {
  const next = page.parts.at(-1)?.partNumber ?? page.marker;
  return document(
    "ListPartsResult",
    element("Bucket", upload.bucket) +
      element("Key", upload.key) +
      element("UploadId", upload.uploadId) +
      element("StorageClass", "STANDARD") +
      element("PartNumberMarker", page.marker) +
      element("NextPartNumberMarker", next) +
      element("MaxParts", page.maxParts) +
      element("IsTruncated", page.truncated) +
      page.parts
        .map(
          (part) =>
            `<Part>${element("PartNumber", part.partNumber)}${element("LastModified", part.lastModified.toISOString())}` +
            `${element("ETag", part.etag)}${element("Size", part.size)}</Part>`,
        )
        .join(""),
  );
}

export function listUploadsResult(
  bucket: string,
  page: { uploads: UploadSummary[]; prefix: string; keyMarker: string; uploadIdMarker: string; maxUploads: number; truncated: boolean },
): string {
  const last = page.uploads.at(-1);
  return document(
    "ListMultipartUploadsResult",
    element("Bucket", bucket) +
      element("KeyMarker", page.keyMarker) +
      element("UploadIdMarker", page.uploadIdMarker) +
      (page.truncated && last ? element("NextKeyMarker", last.key) + element("NextUploadIdMarker", last.uploadId) : "") +
      element("Prefix", page.prefix) +
      element("MaxUploads", page.maxUploads) +
      element("IsTruncated", page.truncated) +
      page.uploads
        .map(
          (upload) =>
            `<Upload>${element("Key", upload.key)}${element("UploadId", upload.uploadId)}` +
            `${element("StorageClass", "STANDARD")}${element("Initiated", upload.initiated.toISOString())}</Upload>`,
        )
        .join(""),
  );
}

export function sendXml(res: ServerResponse, xml: string): void {
  res.writeHead(200, { "content-type": "application/xml", "content-length": Buffer.byteLength(xml) }).end(xml);
}

const document = (root: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${xmlns}">${inner}</${root}>`;
const element = (name: string, value: string | number | boolean) => `<${name}>${escapeXml(String(value))}</${name}>`;

function unescapeXml(text: string): string {
  const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(\w+));/gi, (entity, dec?: string, hex?: string, name?: string) => {
    const codePoint = dec ? Number(dec) : hex ? Number.parseInt(hex, 16) : undefined;
    if (codePoint === undefined) return named[name ?? ""] ?? entity;
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
  });
}
