import type { InferRequestType } from "hono/client";
import { client } from "./api";

/**
 * The direct-upload calls (Companion's S3 routes under /uploads, with the bearer token), in the
 * uploader's own chunk: the SPA's first load never carries them. The bytes themselves go to the
 * bucket, to the presigned URLs these calls hand out (upload-parts.ts).
 */

const multipart = client.uploads.s3.multipart;
const one = multipart[":uploadId"];

export type NewUpload = InferRequestType<typeof multipart.$post>["json"];
export interface CompletedPart {
  PartNumber: number;
  ETag: string;
}

/** hc puts path parameters in as given; the bucket's upload ids may hold characters a path must escape. */
const target = (key: string, uploadId: string) => ({ param: { uploadId: encodeURIComponent(uploadId) }, query: { key } });

export const createUpload = async (input: NewUpload) => (await multipart.$post({ json: input })).json();

export const signPart = async (key: string, uploadId: string, partNumber: number) =>
  (await one[":partNumber"].$get({ param: { uploadId: encodeURIComponent(uploadId), partNumber: String(partNumber) }, query: { key } })).json();

/** What the bucket already holds of this upload: the parts a resumed upload does not send again. */
export const listUploadedParts = async (key: string, uploadId: string) => (await one.$get(target(key, uploadId))).json();

export const completeUpload = async (key: string, uploadId: string, parts: CompletedPart[]) =>
  (await one.complete.$post({ ...target(key, uploadId), json: { parts } })).json();

export async function abortUpload(key: string, uploadId: string) {
  await one.$delete(target(key, uploadId));
}

/** Where a completed upload is: processing, then done with its image, or failed with the reason. */
export const getUploadStatus = async (id: string) => (await client.uploads[":id"].$get({ param: { id: encodeURIComponent(id) } })).json();
