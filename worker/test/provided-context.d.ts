/** Values worker/test/global-setup.ts provides to the config and to tests. */
export {};

declare module "vitest" {
  export interface ProvidedContext {
    workerVars: Record<string, string>;
    /** The stand-ins' /__admin/* routes want it in x-admin-token. */
    adminToken: string;
    neonUrl: string;
    databaseUrl: string;
    s3Endpoint: string;
    s3Bucket: string;
    s3Region: string;
    s3AccessKeyId: string;
    s3SecretAccessKey: string;
    geminiUrl: string;
    geminiApiKey: string;
    /** ExifTool tags, decoded pixels and fixture files: scripts/local/image-check.ts. */
    imageCheckUrl: string;
  }
}
