/**
 * Passes a stream on unchanged while workerd's crypto.DigestStream hashes it:
 * `sha256` (hex) settles once the stream has been read to its end, and rejects
 * if it failed or was cancelled. A piece goes on only once the hash has taken
 * it and the reader asked for it, so nothing piles up, as it would behind
 * ReadableStream.tee for whichever branch reads slower (an upload, say).
 */
export function hashInPassing(stream: ReadableStream<Uint8Array>): { stream: ReadableStream<Uint8Array>; sha256: Promise<string> } {
  const digest = new crypto.DigestStream("SHA-256");
  const hasher = digest.getWriter();
  const reader = stream.getReader();
  const passing = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            await hasher.close();
            controller.close();
            return;
          }
          await hasher.write(value);
          controller.enqueue(value);
        } catch (error) {
          hasher.abort(error).catch(() => {});
          controller.error(error);
        }
      },
      cancel(reason) {
        hasher.abort(reason).catch(() => {});
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const sha256 = digest.digest.then((hash) => Array.from(new Uint8Array(hash), (byte) => byte.toString(16).padStart(2, "0")).join(""));
  sha256.catch(() => {}); // still rejects for the caller who awaits it
  return { stream: passing, sha256 };
}
