import { parsePgArray } from "./pg-array";

/**
 * Neon's serverless HTTP protocol over fetch: one POST per query, in the call shape drizzle's
 * neon-http session uses (`(sql, params, { arrayMode, fullResults })`). It replaces
 * @neondatabase/serverless, whose WebSocket Pool and Client were bundled (a third of the
 * worker) though only this path is used. Requests, values and errors are those of the driver
 * (1.2) with drizzle's type mappers; worker/test/db/neon-http.test.ts compares the two.
 * A query runs when awaited, so `db.batch` can collect several and send them as one
 * transaction in one request (`client.transaction`), as the driver does.
 */
export interface QueryOptions {
  arrayMode?: boolean;
  fullResults?: boolean;
}

interface Field {
  name: string;
  dataTypeID: number;
}

interface RawResult {
  command: string;
  rowCount: number | null;
  fields: Field[];
  rows: (string | null)[][];
}

const errorFields = [
  "severity", "code", "detail", "hint", "position", "internalPosition", "internalQuery", "where",
  "schema", "table", "column", "dataType", "constraint", "file", "line", "routine",
] as const;

/**
 * The driver's error name and fields, which lib/db-errors.ts reads: Postgres' own fields when
 * the database answered (HTTP 400), none when the endpoint could not be reached or failed.
 */
class NeonDbError extends Error {
  override name = "NeonDbError";
  code?: string;
  constraint?: string;
  sourceError?: unknown;
  [field: string]: unknown;
}

interface Statement {
  query: string;
  params: unknown[];
  options: QueryOptions;
}

/** A query that is sent when first awaited, unless a batch takes it first. */
class PendingQuery implements PromiseLike<unknown> {
  #sent?: Promise<unknown>;
  constructor(
    readonly statement: Statement,
    private readonly send: (statement: Statement) => Promise<unknown>,
  ) {}
  // biome-ignore lint/suspicious/noThenProperty: a lazy query is a thenable on purpose, as the Neon driver's is: drizzle awaits it, or collects it into a batch unsent
  then<A = unknown, B = never>(onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null) {
    this.#sent ??= this.send(this.statement);
    return this.#sent.then(onFulfilled, onRejected);
  }
  catch<B = never>(onRejected: (reason: unknown) => B | PromiseLike<B>) {
    return this.then(undefined, onRejected);
  }
}

export function neonHttp(connectionString: string, fetchEndpoint: string) {
  const endpoint = fetchEndpoint || neonEndpoint(connectionString);
  const headers = {
    "Neon-Connection-String": connectionString,
    "Neon-Raw-Text-Output": "true",
    "Neon-Array-Mode": "true",
  };
  const post = async (body: unknown, extraHeaders: Record<string, string> = {}) => {
    let res: Response;
    try {
      res = await fetch(endpoint, { method: "POST", body: JSON.stringify(body), headers: { ...headers, ...extraHeaders } });
    } catch (error) {
      throw Object.assign(new NeonDbError(`Error connecting to database: ${error}`), { sourceError: error });
    }
    if (res.ok) return res.json();
    const text = await res.text();
    const answer = res.status === 400 ? parseJson(text) : undefined;
    if (!answer) throw new NeonDbError(`Server error (HTTP status ${res.status}): ${text}`);
    throw Object.assign(new NeonDbError(String(answer.message)), Object.fromEntries(errorFields.map((f) => [f, answer[f] ?? undefined])));
  };
  const wire = ({ query, params }: Statement) => ({ query, params: params.map(serialize) });
  const sendOne = async (statement: Statement) => readResult((await post(wire(statement))) as RawResult, statement.options);
  const query = (sql: string, params: unknown[] = [], options: QueryOptions = {}) => new PendingQuery({ query: sql, params, options }, sendOne);
  /** Several queries in one request and one transaction (read committed, read-write), results in order. */
  const transaction = async (queries: PendingQuery[]) => {
    const answer = (await post(
      { queries: queries.map((q) => wire(q.statement)) },
      { "Neon-Batch-Isolation-Level": "ReadCommitted", "Neon-Batch-Read-Only": "false", "Neon-Batch-Deferrable": "false" },
    )) as { results: RawResult[] };
    return answer.results.map((raw, i) => readResult(raw, queries[i].statement.options));
  };
  return Object.assign(query, { transaction });
}

/** Neon's own endpoint for a connection string: the host's first label becomes `api`. */
export function neonEndpoint(connectionString: string) {
  const { hostname } = new URL(`http:${connectionString.slice(connectionString.indexOf(":") + 1)}`);
  return `https://${hostname.replace(/^[^.]+\./, "api.")}/sql`;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readResult(raw: RawResult, { arrayMode = false, fullResults = false }: QueryOptions) {
  const parsers = raw.fields.map((field) => textParsers[field.dataTypeID] ?? keepText);
  const names = raw.fields.map((field) => field.name);
  const parse = (row: (string | null)[]) => row.map((value, i) => (value === null ? null : parsers[i](value)));
  const rows = arrayMode
    ? raw.rows.map(parse)
    : raw.rows.map((row) => Object.fromEntries(parse(row).map((value, i) => [names[i], value])));
  return fullResults ? { ...raw, rows, rowAsArray: arrayMode } : rows;
}

// Text parsers by type OID: pg-types' defaults as the driver bundles them, less the ones
// drizzle's neon-http driver turns back into text (date, time stamps, intervals, numeric[]
// and their arrays) so that its column mappers parse them. Types not listed stay Postgres
// text: also bytea and the geometric types, which the driver would parse but no column uses.
const keepText = (text: string) => text;
const parseBool = (text: string) => ["TRUE", "t", "true", "y", "yes", "on", "1"].includes(text);
const parseInteger = (text: string) => Number.parseInt(text, 10);
const arrayOf = (parseElement: (text: string) => unknown) => (text: string) => (text ? parsePgArray(text, parseElement) : null);
const parseJsonText = (text: string): unknown => JSON.parse(text);

const textParsers: Record<number, (text: string) => unknown> = {
  16: parseBool,
  21: parseInteger,
  23: parseInteger,
  26: parseInteger,
  700: Number.parseFloat,
  701: Number.parseFloat,
  114: parseJsonText,
  3802: parseJsonText,
  1000: arrayOf(parseBool),
  1005: arrayOf(parseInteger),
  1007: arrayOf(parseInteger),
  1028: arrayOf(parseInteger),
  1016: arrayOf((text) => text.trim()),
  1021: arrayOf(Number.parseFloat),
  1022: arrayOf(Number.parseFloat),
  199: arrayOf(parseJsonText),
  3807: arrayOf(parseJsonText),
  ...Object.fromEntries([651, 1008, 1009, 1014, 1015, 1040, 1041, 3907, 2951, 791, 1183, 1270].map((oid) => [oid, arrayOf(keepText)])),
};

/** A parameter as Postgres text, as node-postgres' prepareValue writes it (byte arrays as bytea hex). */
function serialize(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (ArrayBuffer.isView(value)) return `\\x${hex(value)}`;
  if (value instanceof Date) return dateToString(value);
  if (Array.isArray(value)) return arrayLiteral(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function arrayLiteral(values: unknown[]): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return "NULL";
    if (Array.isArray(item)) return arrayLiteral(item);
    if (ArrayBuffer.isView(item)) return `\\\\x${hex(item)}`;
    return `"${(serialize(item) as string).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(",")}}`;
}

const hex = (view: ArrayBufferView) =>
  Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), (b) => b.toString(16).padStart(2, "0")).join("");

/** Local time with its UTC offset, as node-postgres sends a Date (workerd's local time is UTC). */
function dateToString(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  let year = date.getFullYear();
  const bc = year < 1;
  if (bc) year = Math.abs(year) + 1;
  let offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  offset = Math.abs(offset);
  return (
    `${pad(year, 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:` +
    `${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}${bc ? " BC" : ""}`
  );
}
