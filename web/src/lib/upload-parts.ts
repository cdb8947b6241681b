/**
 * Sending one part of a multipart upload to the bucket, and the retry rule every step follows.
 */

const mib = 1024 * 1024;
/** R2's rule: every part but the last the same size, at least 5 MiB, at most 10,000 parts. */
export const partSizeFor = (size: number) => Math.max(5 * mib, Math.ceil(size / 10_000 / mib) * mib);

export const partCount = (size: number, partSize: number) => Math.max(1, Math.ceil(size / partSize));

/** Bytes [start, end) of part `n` (1-based). */
export const partRange = (n: number, size: number, partSize: number) => [(n - 1) * partSize, Math.min(n * partSize, size)] as const;

/** A failure worth another try: the network, the bucket or the API busy or down, a part URL expired. */
export class TransientError extends Error {
  override name = "TransientError";
}

/**
 * PUTs `body` to a presigned UploadPart URL with XMLHttpRequest, the only browser API that reports
 * upload progress, and answers the part's ETag (the bucket's CORS rule exposes it). The body is a
 * Blob slice of no type, so no Content-Type is sent: the URL signs only `host`.
 */
export function putPart(url: string, body: Blob, onProgress: (sent: number) => void, signal: AbortSignal): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    signal.addEventListener("abort", abort, { once: true });
    xhr.open("PUT", url);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onloadend = () => signal.removeEventListener("abort", abort);
    xhr.onload = () => {
      const etag = xhr.getResponseHeader("etag");
      if (xhr.status >= 200 && xhr.status < 300 && etag) return resolve(etag);
      if (xhr.status >= 200 && xhr.status < 300) return reject(new Error("The storage did not say what it received (no ETag): its CORS rule must expose ETag"));
      // 403: the URL expired (a long pause) and is signed again on the next try; 5xx and 429: busy.
      const transient = xhr.status === 403 || xhr.status === 408 || xhr.status === 429 || xhr.status >= 500;
      reject(transient ? new TransientError(`The storage answered ${xhr.status}`) : new Error(`The storage refused the upload (${xhr.status})`));
    };
    xhr.onerror = () => reject(new TransientError("The connection failed"));
    xhr.onabort = () => reject(signal.reason);
    xhr.send(body);
  });
}

export const maxTries = 7;

/** Full jitter over an exponential backoff (1, 2, 4 … 30 s), so many tabs or files coming back at once spread out. */
export const backoffMs = (tries: number) => Math.round(Math.random() * Math.min(30_000, 1000 * 2 ** tries));

/** Resolves after `ms`, or rejects with the signal's reason when it is aborted first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", stop, { once: true });
  });
}
