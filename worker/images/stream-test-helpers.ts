import type { ImageFormat } from "./sniff";
import { type RangedObject, type StripOutcome, stripMetadata, stripMetadataInOnePass, stripMetadataStream } from "./strip-stream";

/**
 * For the streaming strippers' tests only (test helpers may not live in
 * worker/test/ for this work): objects as ranged reads or streams over bytes,
 * and what the streamed strip came to, next to stripMetadata's answer for the bytes in memory.
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

export async function wholeStrip(bytes: Uint8Array, format: ImageFormat): Promise<Stripped> {
  const result = await stripMetadata(bytes, format);
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

/**
 * A file that exists only as parts: bytes held as they are, or generated runs
 * (scan data, IDAT chunks) made on demand from a tile. Never built whole.
 */
export type Part = { length: number; fill(offset: number, into: Uint8Array, at: number, count: number): void };

export const held = (bytes: Uint8Array): Part => ({ length: bytes.length, fill: (offset, into, at, count) => into.set(bytes.subarray(offset, offset + count), at) });

export function generated(length: number, tile: Uint8Array): Part {
  return {
    length,
    fill(offset, into, at, count) {
      for (let done = 0; done < count; ) {
        const from = (offset + done) % tile.length;
        const n = Math.min(count - done, tile.length - from);
        into.set(tile.subarray(from, from + n), at + done);
        done += n;
      }
    },
  };
}

export class VirtualFile {
  readonly size: number;
  private readonly starts: number[] = [];

  constructor(private readonly parts: Part[]) {
    let at = 0;
    for (const part of parts) {
      this.starts.push(at);
      at += part.length;
    }
    this.size = at;
  }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let i = this.partAt(offset);
    for (let done = 0; done < length; i++) {
      const within = offset + done - this.starts[i];
      const count = Math.min(length - done, this.parts[i].length - within);
      this.parts[i].fill(within, out, done, count);
      done += count;
    }
    return out;
  }

  private partAt(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

/** 64 KiB of scan-like data: random, every 0xFF stuffed (FF 00) or a restart marker, never ending in FF. */
export function scanTile(): Uint8Array {
  const tile = crypto.getRandomValues(new Uint8Array(65521));
  for (let i = 0; i < tile.length; i++) if (tile[i] === 0xff) tile[++i] = i % 3 === 0 ? 0xd0 + (i % 8) : 0;
  if (tile[tile.length - 1] === 0xff) tile[tile.length - 1] = 0x12;
  return tile;
}
