/** One request the gate answered, as tests read it back: method, object key and outcome. */
export interface LoggedS3Request {
  method: string;
  key: string;
  status: number | "dropped";
  at: string;
  /** Named for multipart requests only (ListParts is a GET that R2 bills as Class A). */
  operation?: string;
}

const maxEntries = 5000;

/**
 * What reached the bucket, so a test can assert "this object was never read back"
 * without timing anything. Bounded: the oldest entries go first.
 */
export class S3RequestLog {
  #entries: LoggedS3Request[] = [];

  record(method: string, key: string, status: number | "dropped", operation?: string): void {
    this.#entries.push({ method, key, status, at: new Date().toISOString(), ...(operation ? { operation } : {}) });
    if (this.#entries.length > maxEntries) this.#entries.splice(0, this.#entries.length - maxEntries);
  }

  matching(prefix: string): LoggedS3Request[] {
    return this.#entries.filter((entry) => entry.key.startsWith(prefix));
  }
}
