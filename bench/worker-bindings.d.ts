/**
 * bench/ type-checks a few worker modules (bench/sql.ts reads imageColumns, whose module
 * takes Deps) in a Node program, without the Workers runtime types that would clash with
 * Node's: here the Images binding is only a name and the job queue only what the services call.
 */
declare namespace Cloudflare {
  interface Env {
    IMAGES: ImagesBinding;
    JOBS: Queue<unknown>;
  }
}
type ImagesBinding = unknown;
interface Queue<Body> {
  sendBatch(messages: { body: Body; contentType?: string }[]): Promise<void>;
}
