/**
 * A pass-through for a multipart body that fails as soon as one part grows past `maxPartBytes`
 * or the whole past `maxBodyBytes`, so an oversized file is refused after reading about its
 * limit, not the whole body (which may be three times the file limit), and a body without a
 * Content-Length is never held whole just to be measured. Parts are told apart by their
 * delimiter, "\r\n--" + boundary, found with the native indexOf on its first byte; a delimiter
 * split between chunks is found in the few bytes carried over. Nothing else is copied.
 */
export function partSizeGuard(boundary: string, maxPartBytes: number, maxBodyBytes: number) {
  const delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
  let partBytes = 0;
  let bodyBytes = 0;
  let carry: Uint8Array = new Uint8Array(0);
  const state: { tooLarge?: "part" | "body" } = {};
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      // Where in `chunk` the last delimiter ended; -1: none ended in it.
      let lastEnd = -1;
      if (carry.length) {
        const spanning = new Uint8Array(carry.length + Math.min(chunk.length, delimiter.length - 1));
        spanning.set(carry);
        spanning.set(chunk.subarray(0, spanning.length - carry.length), carry.length);
        const at = lastDelimiterIn(spanning, delimiter);
        if (at >= 0) lastEnd = at + delimiter.length - carry.length;
      }
      const inChunk = lastDelimiterIn(chunk, delimiter);
      if (inChunk >= 0) lastEnd = Math.max(lastEnd, inChunk + delimiter.length);
      partBytes = lastEnd >= 0 ? chunk.length - lastEnd : partBytes + chunk.length;
      bodyBytes += chunk.length;
      state.tooLarge = bodyBytes > maxBodyBytes ? "body" : partBytes > maxPartBytes ? "part" : undefined;
      if (state.tooLarge) {
        controller.error(new Error(`the multipart ${state.tooLarge} is larger than allowed`));
        return;
      }
      const keep = Math.min(delimiter.length - 1, chunk.length);
      carry = keep === chunk.length && carry.length ? joinTail(carry, chunk, delimiter.length - 1) : chunk.slice(chunk.length - keep);
      controller.enqueue(chunk);
    },
  });
  return { stream, state };
}

/** The start of the last whole delimiter in `bytes`, or -1. */
function lastDelimiterIn(bytes: Uint8Array, delimiter: Uint8Array): number {
  let found = -1;
  for (let i = bytes.indexOf(delimiter[0]); i !== -1 && i <= bytes.length - delimiter.length; i = bytes.indexOf(delimiter[0], i + 1)) {
    let j = 1;
    while (j < delimiter.length && bytes[i + j] === delimiter[j]) j++;
    if (j === delimiter.length) found = i;
  }
  return found;
}

/** The last `length` bytes of `head` followed by `tail`, for a chunk shorter than a delimiter. */
function joinTail(head: Uint8Array, tail: Uint8Array, length: number): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined.slice(Math.max(0, joined.length - length));
}
