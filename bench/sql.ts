import { neon, neonConfig } from "@neondatabase/serverless";
import { toSnakeCase } from "drizzle-orm/casing";
import { imageColumns } from "../worker/services/image-queries";

export type DirectSql = ReturnType<typeof connectSql>;

/** The listing's columns (every one but the search vector), as the worker selects them. */
const listedColumns = Object.values(imageColumns).map((column) => toSnakeCase(column.name)).join(", ");

/** The production driver from Node, over the same Neon-HTTP endpoint the worker uses. */
export function connectSql(endpoint: string, databaseUrl: string) {
  neonConfig.fetchEndpoint = endpoint;
  const sql = neon(databaseUrl);
  return {
    /** The rows GET /images returns for a user, newest first, without the API around them. */
    listImages: (userId: string, limit: number) =>
      sql.query(`select ${listedColumns} from images where user_id = $1 order by created_at desc, id desc limit $2`, [userId, limit + 1]),

    /** Image rows straight into the table, renditions made: listing needs rows, not objects (presigning never reads S3). */
    seedImages: async (userId: string, count: number) => {
      await sql.query(
        `with seeded as (select n, 'users/' || $1::text || '/' || gen_random_uuid() || '.png' as key from generate_series(1, $2::int) as n)
         insert into images (user_id, key, file_name, content_type, size, width, height, sha256, analysis_status,
           description, alt_text, tags, created_at, renditions_status, thumb_key, display_key)
         select $1::uuid, key, 'photo-' || n || '.png', 'image/png',
           1048576, 1024, 341, md5($1::text || n) || md5(n || $1::text), 'done', 'A seeded bench image, number ' || n,
           'Bench image ' || n, array['bench', 'seed'], now() - n * interval '1 second',
           'done', 'renditions/' || key || '.thumb.webp', 'renditions/' || key || '.display.webp'
         from seeded`,
        [userId, count],
      );
      // Planner statistics, as autovacuum would gather them after a bulk insert (PGlite runs none).
      await sql.query("analyze images");
    },

    /** Analyses and renditions scheduled by uploads and not yet finished; they share the worker's CPU. */
    analysesInFlight: async () =>
      Number(
        ((await sql.query(`select count(*) as n from images where analysis_status in ('pending', 'processing') or renditions_status = 'pending'`)) as {
          n: string;
        }[])[0].n,
      ),

    /** Direct uploads completed and not yet made into an image (or refused) by their ingest job. */
    directUploadsInFlight: async () =>
      Number(((await sql.query(`select count(*) as n from direct_uploads where status = 'processing'`)) as { n: string }[])[0].n),

    /** How many times a direct upload's ingest job has claimed it, and whether one holds it now. */
    ingestAttempts: async (uploadId: string) => {
      const [row] = (await sql.query(`select attempts, lease_until is not null and lease_until > now() as leased from direct_uploads where id = $1`, [
        uploadId,
      ])) as { attempts: number; leased: boolean }[];
      return row;
    },

    /** A user's images as they were before renditions existed, due for the sweep's backfill. */
    forgetRenditions: (userId: string) =>
      sql.query(
        `update images set renditions_status = 'pending', renditions_attempts = 0, renditions_next_attempt_at = null,
           renditions_lease_until = null, created_at = created_at - interval '1 hour' where user_id = $1`,
        [userId],
      ),

    /** A user's images whose renditions are still pending. */
    renditionsPending: async (userId: string) =>
      Number(((await sql.query(`select count(*) as n from images where user_id = $1 and renditions_status = 'pending'`, [userId])) as { n: string }[])[0].n),
  };
}

/** Lets background analyses finish, so the next timed request has the worker to itself. */
export async function waitForAnalyses(sql: DirectSql, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last = await sql.analysesInFlight();
  while (last > 0) {
    if (Date.now() > deadline) throw new Error(`${last} analyses still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await sql.analysesInFlight();
  }
}

/** Lets every job finish (ingests, renditions, analyses): a case that reads the worker's CPU or memory has the isolate to itself. */
export async function waitForPipeline(sql: DirectSql, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ingests = await sql.directUploadsInFlight();
    const images = await sql.analysesInFlight();
    if (ingests + images === 0) return;
    if (Date.now() > deadline) throw new Error(`${ingests} ingests and ${images} images still being processed after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
