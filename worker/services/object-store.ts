import type { Config } from "../env";

type S3Location = Pick<Config, "S3_ENDPOINT" | "S3_BUCKET_NAME" | "S3_REGION">;

/** Path-style under a custom endpoint (local stand-in, R2, MinIO); virtual-hosted on AWS. */
export function bucketUrl(config: S3Location): string {
  if (config.S3_ENDPOINT) return `${config.S3_ENDPOINT.replace(/\/+$/, "")}/${config.S3_BUCKET_NAME}`;
  return `https://${config.S3_BUCKET_NAME}.s3.${config.S3_REGION}.amazonaws.com`;
}

export function objectUrl(config: S3Location, key: string): string {
  return `${bucketUrl(config)}/${key.split("/").map(encodeURIComponent).join("/")}`;
}
