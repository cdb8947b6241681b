import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import pg from "pg";

/** One statement as the Neon driver sends it: text parameters, already serialised. */
export interface Statement {
  query: string;
  params: (string | null)[];
}

export interface BatchOptions {
  isolationLevel?: string;
  readOnly?: boolean;
  deferrable?: boolean;
}

/** Postgres' own answer, values left as Postgres text (Neon-Raw-Text-Output). */
export interface RawResult {
  command: string;
  rowCount: number | null;
  fields: { name: string; dataTypeID: number }[];
  rows: (string | null)[][];
}

/** One database: the Neon-HTTP stand-in checks who asks, the backend only runs what it is given. */
export interface Backend {
  run(statement: Statement): Promise<RawResult>;
  batch(statements: Statement[], options: BatchOptions): Promise<RawResult[]>;
  readonly kind: "pglite" | "postgres";
  close(): Promise<void>;
}

const isolationSql: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

function beginSql(options: BatchOptions): string {
  const modes: string[] = [];
  if (options.isolationLevel) {
    const level = isolationSql[options.isolationLevel];
    if (!level) throw Object.assign(new Error(`unknown isolation level ${options.isolationLevel}`), { code: "22023" });
    modes.push(`ISOLATION LEVEL ${level}`);
  }
  if (options.readOnly) modes.push("READ ONLY");
  if (options.deferrable) modes.push("DEFERRABLE");
  return `BEGIN ${modes.join(", ")}`.trim();
}

/** Parsers and serialisers that leave every value as the text Postgres sent or expects. */
const keepText = new Proxy({}, { get: () => (value: unknown) => value });

export async function createPgliteBackend(dataDir?: string): Promise<Backend & { pglite: PGlite }> {
  // Extensions the migrations create must be bundled in: PGlite has no contrib directory to load them from.
  const db = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  Object.assign(db, { parsers: keepText, serializers: keepText });
  const runOn = async (target: Pick<PGlite, "query">, { query, params }: Statement): Promise<RawResult> => {
    const result = await target.query<(string | null)[]>(query, params, { rowMode: "array" });
    const tagged = result as typeof result & { command?: string; rowCount?: number };
    return {
      command: tagged.command ?? "",
      rowCount: tagged.rowCount ?? result.affectedRows ?? null,
      fields: result.fields.map(({ name, dataTypeID }) => ({ name, dataTypeID })),
      rows: result.rows,
    };
  };
  return {
    kind: "pglite",
    pglite: db,
    run: (statement) => runOn(db, statement),
    batch: (statements, options) =>
      db.transaction(async (tx) => {
        // PGlite has already sent BEGIN; the isolation modes go in the first statement.
        const modes = beginSql(options).replace(/^BEGIN\s*/, "");
        if (modes) await tx.query(`SET TRANSACTION ${modes}`);
        const results: RawResult[] = [];
        for (const statement of statements) results.push(await runOn(tx, statement));
        return results;
      }),
    close: () => db.close(),
  };
}

/**
 * Real Postgres, always the database the stack was started with: the worker's connection
 * string names the stand-in's own credentials, never this URL, so no client can pick another
 * database (or user) of the server through the stand-in.
 */
export function createPostgresBackend(databaseUrl: string, allowedHosts = ["127.0.0.1", "localhost", "[::1]"]): Backend {
  const url = new URL(databaseUrl);
  if (!allowedHosts.includes(url.hostname)) throw new Error(`host ${url.hostname} is not local`);
  url.searchParams.delete("sslmode");
  const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
  pool.on("error", () => {}); // an idle client dying must not kill the stand-in
  const runOn = async (client: pg.Pool | pg.PoolClient, { query, params }: Statement): Promise<RawResult> => {
    const result = await client.query<(string | null)[]>({
      text: query,
      values: params,
      rowMode: "array",
      types: { getTypeParser: () => (value: string) => value },
    });
    return {
      command: result.command,
      rowCount: result.rowCount,
      fields: result.fields.map(({ name, dataTypeID }) => ({ name, dataTypeID })),
      rows: result.rows,
    };
  };
  return {
    kind: "postgres",
    run: (statement) => runOn(pool, statement),
    async batch(statements, options) {
      const client = await pool.connect();
      try {
        await client.query(beginSql(options));
        const results: RawResult[] = [];
        for (const statement of statements) results.push(await runOn(client, statement));
        await client.query("COMMIT");
        return results;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
