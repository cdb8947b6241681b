// s3rver ships no types; this covers only what scripts/local/s3.ts uses.
declare module "s3rver" {
  import type { Server } from "node:http";
  import type { AddressInfo } from "node:net";

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    configureBuckets?: { name: string }[];
  }

  interface StoredObject {
    key: string;
    readonly size: number;
  }

  class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    httpServer?: Server;
    store: {
      listObjects(bucket: string, options: { prefix?: string }): Promise<{ objects: StoredObject[] }>;
    };
  }

  export = S3rver;
}
