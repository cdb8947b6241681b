import type { ImageFormat } from "./sniff";
import { Cursor, type RangeReader } from "./stream-cursor";
import { Emitter, type Output, Planner, type Refusal, type Walked } from "./stream-output";
import { walkGif } from "./strip-gif-stream";
import { walkHeif } from "./strip-heif-stream";
import { walkJpeg } from "./strip-jpeg-stream";
import { walkPng } from "./strip-png-stream";
import { walkWebp } from "./strip-webp-stream";

/**
 * Lossless metadata removal by allow-list, for objects in the bucket (ranged reads)
 * and bytes in memory alike: per format, only what decodes and shows the pixels as
 * the camera meant them stays (the coded image, colour data such as the ICC profile,
 * transparency, animation, and the orientation); every other segment, chunk, block,
 * box or item goes, whatever it is called. Pixels are never decoded: what stays is
 * copied byte for byte. See each format's walk (strip-*-stream.ts) for its list.
 *
 * A structure that does not add up is refused (`ok: false`) rather than stored with
 * whatever it may carry; nothing throws but a failed read, and the loops are bounded
 * by the input's length. Over ranged reads, at most a read or two (blockSize each) and
 * one metadata block (1 MiB; HEIF's meta or moov, 4 MiB) are held at a time, and a
 * larger block is refused.
 */

/** An object in the bucket: its length (from a HEAD) and ranged reads, every one of the same version (If-Match its ETag). */
export interface RangedObject {
  size: number;
  read: RangeReader;
}

/** An object in the bucket, or bytes already in memory (a proxied upload, a file in the browser). */
export type ImageSource = RangedObject | Uint8Array;

export const cursorOver = (source: ImageSource, blockSize: number) =>
  source instanceof Uint8Array ? Cursor.held(source) : Cursor.ranged(source.size, source.read, blockSize);

export interface StreamOptions {
  /** How much one read asks for. */
  blockSize?: number;
}

/** Known before the first byte, as stripMetadata would report it; or refused, as it would be, before anything is written. */
export type StrippedStream = { ok: true; stream: ReadableStream<Uint8Array>; length: number; removed: string[] } | Refusal;

/** What a one-pass strip turned out to be, once its stream has been read to the end. */
export type StripOutcome = { ok: true; length: number; removed: string[] } | Refusal;

const defaultBlockSize = 1024 * 1024;

/** What stripping made of a file: the bytes to store and what went, or why it could not vouch for them. */
export type StripResult = { ok: true; bytes: Uint8Array; removed: string[] } | Refusal;

/**
 * stripMetadataStream's bytes, collected, for bytes in memory (a proxied upload, a file in the
 * browser). `removed` is [] exactly when nothing changed: then the input itself comes back.
 */
export async function stripMetadata(bytes: Uint8Array, format: ImageFormat): Promise<StripResult> {
  const stripped = await stripMetadataStream(bytes, format);
  if (!stripped.ok) return stripped;
  if (stripped.removed.length === 0) {
    await stripped.stream.cancel();
    return { ok: true, bytes, removed: [] };
  }
  return { ok: true, bytes: new Uint8Array(await new Response(stripped.stream).arrayBuffer()), removed: stripped.removed };
}

type Walk<Plan> = (input: Cursor, out: Output, plan?: Plan) => Promise<Walked<Plan>>;

/**
 * Plans, then streams: a first pass walks the file without writing (reading only
 * chunk and box headers where the format lets it skip, all of a JPEG or GIF), so
 * `length` and `removed` come before the first byte and a file that does not add
 * up is refused before anything is written; the stream then walks it again,
 * writing. If that second walk finds something else (the object changed between
 * the two), the stream errors rather than end: nothing written from it may be kept.
 */
export function stripMetadataStream(object: ImageSource, format: ImageFormat, options: StreamOptions = {}): Promise<StrippedStream> {
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

async function planThenStream<Plan>(walk: Walk<Plan>, object: ImageSource, blockSize: number): Promise<StrippedStream> {
  const input = cursorOver(object, blockSize);
  const planner = new Planner(input);
  const walked = await walk(input, planner);
  if (!walked.ok) return walked;
  const expected = { length: planner.length, removed: [...planner.removed] };
  const { stream, outcome } = emit(cursorOver(object, blockSize), walk, walked.plan, expected);
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
