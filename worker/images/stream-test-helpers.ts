import type { ImageFormat } from "./sniff";
import { stripMetadata } from "./strip";
import { type RangedObject, type StripOutcome, stripMetadataInOnePass, stripMetadataStream } from "./strip-stream";

/**
 * For the streaming strippers' tests only (test helpers may not live in
 * worker/test/ for this work): objects as ranged reads or streams over bytes,
 * and what the streamed strip came to, next to stripMetadata's answer.
 */

export const rangedOver = (bytes: Uint8Array): RangedObject => ({
  size: bytes.length,
  read: async (offset, length) => bytes.slice(offset, offset + length),
});

/** A stream of `bytes` in pieces of the given lengths, in turn (the last repeats). */
export function streamOf(bytes: Uint8Array, pieceLengths: number[]): ReadableStream<Uint8Array> {
  let at = 0;
  let turn = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const length = Math.max(1, pieceLengths[Math.min(turn++, pieceLengths.length - 1)]);
      controller.enqueue(bytes.slice(at, at + length));
      at += length;
    },
  });
}

export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  for await (const piece of stream) pieces.push(piece);
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** What a strip came to, in stripMetadata's terms: the bytes and `removed`, or the refusal's message. */
export type Stripped = { ok: true; bytes: Uint8Array; removed: string[] } | { ok: false; message: string };

export function wholeStrip(bytes: Uint8Array, format: ImageFormat): Stripped {
  const result = stripMetadata(bytes, format);
  return result.ok ? { ok: true, bytes: result.bytes, removed: result.removed } : result;
}

/** Planned then streamed; also checks the length and `removed` announced before the first byte. */
export async function plannedStrip(object: RangedObject, format: ImageFormat, blockSize?: number): Promise<Stripped> {
  const result = await stripMetadataStream(object, format, { blockSize });
  if (!result.ok) return result;
  const bytes = await collect(result.stream);
  if (bytes.length !== result.length) throw new Error(`announced ${result.length} bytes, streamed ${bytes.length}`);
  return { ok: true, bytes, removed: result.removed };
}

/** In one pass over a stream cut into the given pieces; a refusal partway must error the stream and say why. */
export async function onePassStrip(bytes: Uint8Array, format: ImageFormat, pieceLengths: number[]): Promise<Stripped> {
  const result = stripMetadataInOnePass(streamOf(bytes, pieceLengths), bytes.length, format);
  if (!result.ok) return result;
  const streamed = await collect(result.stream).catch((error: Error) => error);
  const outcome: StripOutcome = await result.outcome;
  if (!outcome.ok) {
    if (!(streamed instanceof Error) || streamed.message !== outcome.message) throw new Error("a refusal must error the stream with its message");
    return outcome;
  }
  if (streamed instanceof Error) throw streamed;
  if (streamed.length !== outcome.length) throw new Error(`outcome says ${outcome.length} bytes, streamed ${streamed.length}`);
  return { ok: true, bytes: streamed, removed: outcome.removed };
}
