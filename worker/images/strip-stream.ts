import type { ImageFormat } from "./sniff";
import { Cursor, type RangeReader } from "./stream-cursor";
import { Emitter, type Output, Planner, type Refusal, type Walked } from "./stream-output";
import { walkGif } from "./strip-gif-stream";
import { walkHeif } from "./strip-heif-stream";
import { walkJpeg } from "./strip-jpeg-stream";
import { walkPng } from "./strip-png-stream";
import { walkWebp } from "./strip-webp-stream";

/**
 * stripMetadata (strip.ts) for objects too big to hold: same allow-list, same
 * output bytes, same `removed`, for every format, with at most a read or two
 * (blockSize each) and one metadata block (1 MiB; HEIF's meta or moov, 4 MiB)
 * held at a time. Each format's walk (strip-*-stream.ts) follows its stripper
 * step by step, sharing its rules.
 */

/** An object in the bucket: its length (from a HEAD) and ranged reads, every one of the same version (If-Match its ETag). */
export interface RangedObject {
  size: number;
  read: RangeReader;
}

export interface StreamOptions {
  /** How much one read asks for. */
  blockSize?: number;
}

/** Known before the first byte, as stripMetadata would report it; or refused, as it would be, before anything is written. */
export type StrippedStream = { ok: true; stream: ReadableStream<Uint8Array>; length: number; removed: string[] } | Refusal;

/** What a one-pass strip turned out to be, once its stream has been read to the end. */
export type StripOutcome = { ok: true; length: number; removed: string[] } | Refusal;

const defaultBlockSize = 1024 * 1024;

type Walk<Plan> = (input: Cursor, out: Output, plan?: Plan) => Promise<Walked<Plan>>;

/**
 * Plans, then streams: a first pass walks the file without writing (reading only
 * chunk and box headers where the format lets it skip, all of a JPEG or GIF), so
 * `length` and `removed` come before the first byte and a file that does not add
 * up is refused before anything is written; the stream then walks it again,
 * writing. If that second walk finds something else (the object changed between
 * the two), the stream errors rather than end: nothing written from it may be kept.
 */
export function stripMetadataStream(object: RangedObject, format: ImageFormat, options: StreamOptions = {}): Promise<StrippedStream> {
  const blockSize = options.blockSize ?? defaultBlockSize;
  const planned = <Plan>(walk: Walk<Plan>) => planThenStream(walk, object, blockSize);
  const strippers: Record<ImageFormat, () => Promise<StrippedStream>> = {
    jpeg: () => planned(walkJpeg),
    png: () => planned(walkPng),
    gif: () => planned(walkGif),
    webp: () => planned(walkWebp),
    heic: () => planned(walkHeif),
    avif: () => planned(walkHeif),
  };
  return strippers[format]();
}

async function planThenStream<Plan>(walk: Walk<Plan>, object: RangedObject, blockSize: number): Promise<StrippedStream> {
  const input = Cursor.ranged(object.size, object.read, blockSize);
  const planner = new Planner(input);
  const walked = await walk(input, planner);
  if (!walked.ok) return walked;
  const expected = { length: planner.length, removed: [...planner.removed] };
  const { stream, outcome } = emit(Cursor.ranged(object.size, object.read, blockSize), walk, walked.plan, expected);
  outcome.catch(() => {}); // the stream carries the failure
  return { ok: true, stream, ...expected };
}

/**
 * One pass over a stream of the object, for JPEG, PNG and GIF, whose stripped bytes
 * are decided front to back: half the reading, but `length` and `removed` only come
 * with `outcome`, once the stream has been read to its end, and a file found not to
 * add up partway errors the stream (`outcome` says why; an I/O error rejects it).
 * WebP's header and HEIF's meta depend on what comes after them: those are refused.
 */
export function stripMetadataInOnePass(
  object: ReadableStream<Uint8Array>,
  size: number,
  format: ImageFormat,
): { ok: true; stream: ReadableStream<Uint8Array>; outcome: Promise<StripOutcome> } | Refusal {
  const walk = format === "jpeg" ? walkJpeg : format === "png" ? walkPng : format === "gif" ? walkGif : undefined;
  if (!walk) return { ok: false, message: `A ${format.toUpperCase()} file is stripped with ranged reads (stripMetadataStream), not in one pass.` };
  const { stream, outcome } = emit(Cursor.streamed(size, object), walk, undefined);
  outcome.catch(() => {}); // still rejects for the caller who awaits it
  return { ok: true, stream, outcome };
}

function emit<Plan>(input: Cursor, walk: Walk<Plan>, plan: Plan | undefined, expected?: { length: number; removed: string[] }) {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const out = new Emitter(input, writer);
  const run = async (): Promise<StripOutcome> => {
    const walked = await walk(input, out, plan);
    const outcome: StripOutcome = walked.ok ? { ok: true, length: out.length, removed: [...out.removed] } : walked;
    if (expected && !sameOutcome(outcome, expected)) throw new Error("The object changed while its metadata was being stripped.");
    if (!outcome.ok) await writer.abort(new Error(outcome.message));
    else await out.finish();
    return outcome;
  };
  const outcome = run()
    .catch(async (error: unknown) => {
      await writer.abort(error).catch(() => {});
      throw error;
    })
    .finally(() => input.release());
  return { stream: readable, outcome };
}

const sameOutcome = (outcome: StripOutcome, expected: { length: number; removed: string[] }) =>
  outcome.ok && outcome.length === expected.length && outcome.removed.join("\n") === expected.removed.join("\n");
