import { AwsClient } from "aws4fetch";
import { createDb } from "./db/client";
import { getConfig, type Config } from "./env";
import type { JobMessage } from "./services/send-jobs";

export interface Deps {
  config: Config;
  db: ReturnType<typeof createDb>;
  s3: AwsClient;
  /** Cloudflare Images: makes the renditions (locally miniflare's, backed by sharp). */
  images: ImagesBinding;
  /**
   * The job queue: work that outlives a request (renditions, analysis) is sent here as a
   * message by the service that causes it (services/send-jobs.ts), never left to waitUntil.
   */
  jobs: Queue<JobMessage>;
}

/**
 * SigV4 signing keys (one per secret, day, region and service), kept for the isolate's life:
 * aws4fetch derives the key (four HMACs) again for every URL unless its cache outlives the
 * client, and a client is built per request. Only a few days' keys are ever kept.
 */
class SigningKeys extends Map<string, ArrayBuffer> {
  override set(key: string, value: ArrayBuffer) {
    if (this.size >= 8) this.clear();
    return super.set(key, value);
  }
}
const signingKeys = new SigningKeys();

/** Everything a service needs, built the same way for fetch, queue, cron, scripts and tests. */
export function buildDeps(env: Cloudflare.Env): Deps {
  const config = getConfig(env);
  return {
    config,
    db: createDb(config.DATABASE_URL, config.NEON_FETCH_ENDPOINT),
    s3: new AwsClient({
      accessKeyId: config.AWS_ACCESS_KEY_ID,
      secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
      region: config.S3_REGION,
      service: "s3",
      cache: signingKeys,
      // aws4fetch retries 10 times by default: far too long inside a request.
      retries: 1,
      initRetryMs: 50,
    }),
    images: env.IMAGES,
    jobs: env.JOBS,
  };
}
