import AwsS3, { type AwsBody } from "@uppy/aws-s3";
import Uppy, { type Meta, type UploadResult } from "@uppy/core";

/** What the test reads back: Uppy's own account of each file, from its `complete` event. */
export interface UppyOutcome {
  successful: { name: string; size: number; uploadURL: string | undefined; key: string | undefined }[];
  failed: { name: string; error: string }[];
}

declare global {
  interface Window {
    /** Uploads the files chosen in #files with Uppy, configured as an app would for this service. */
    uploadWithUppy(companionEndpoint: string): Promise<UppyOutcome>;
  }
}

/**
 * Uppy's S3 plugin as it ships, in Companion mode: the endpoint is the capability path (Uppy's
 * requests carry no Authorization header), and every file goes multipart (R2 has no POST policy).
 */
window.uploadWithUppy = async (companionEndpoint) => {
  const uppy = new Uppy<Meta, AwsBody>().use(AwsS3, { companionEndpoint, shouldUseMultipart: true });
  for (const file of document.querySelector<HTMLInputElement>("#files")?.files ?? []) {
    uppy.addFile({ name: file.name, type: file.type, data: file, source: "e2e" });
  }
  const completed = new Promise<UploadResult<Meta, AwsBody>>((resolve) => uppy.once("complete", resolve));
  const [result] = await Promise.all([completed, uppy.upload()]);
  return {
    successful: (result.successful ?? []).map((file) => ({
      name: file.name ?? "",
      size: file.size ?? 0,
      uploadURL: file.response?.uploadURL,
      key: file.response?.body?.key,
    })),
    failed: (result.failed ?? []).map((file) => ({ name: file.name ?? "", error: String(file.error) })),
  };
};
