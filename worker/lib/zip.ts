import { crc32 } from "./crc32";

/**
 * A store-only ZIP written as a stream (APPNOTE 6.3.10): images are compressed already, so
 * entries are copied as they are, never held whole. An entry whose CRC-32 is known up front
 * gets it in its local header; otherwise the CRC is computed while its bytes pass and follows
 * them in a data descriptor. No ZIP64: an archive stops at 4 GiB and 65,535 entries, which
 * callers check first with `zipLength`.
 */
export interface ZipEntry {
  /** Already safe and unique (ZipNames); stored as UTF-8. */
  name: string;
  modifiedAt: Date;
  /** The exact byte count when known: checked as the bytes pass, and what makes `zipLength` possible. */
  size?: number;
  crc32?: number;
  /** The bytes, opened when the entry's turn comes; null skips the entry (nothing of it is written). */
  open(): Promise<ReadableStream<Uint8Array> | null>;
}

export const zipLimits = { bytes: 0xffffffff, entries: 0xffff };

const flags = { dataDescriptor: 0x0008, utf8: 0x0800 };
/** "Made by" Unix, version 2.0, so unzip applies the mode below: an ordinary file, rw-r--r--. */
const madeByUnix = (3 << 8) | 20;
const regularFile = (0o100644 << 16) >>> 0;
const utf8 = new TextEncoder();

/** The archive's exact length, for entries whose size is known. */
export function zipLength(entries: { name: string; size: number; crc32?: number }[]): number {
  return entries.reduce((sum, entry) => {
    const name = utf8.encode(entry.name).length;
    return sum + 30 + name + entry.size + (entry.crc32 === undefined ? 16 : 0) + 46 + name;
  }, 22);
}

export function zipArchive(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>): ReadableStream<Uint8Array> {
  const chunks = writeZip(entries);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        // A cut-off archive must not pass for a whole one: the download fails instead.
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

interface Written {
  name: Uint8Array;
  flags: number;
  time: number;
  date: number;
  crc: number;
  size: number;
  offset: number;
}

async function* writeZip(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>): AsyncGenerator<Uint8Array> {
  const written: Written[] = [];
  let offset = 0;
  for await (const entry of entries) {
    if (written.length >= zipLimits.entries) throw new Error("ZIP archive over 65,535 entries");
    const source = await entry.open();
    if (!source) continue;
    const known = entry.crc32 !== undefined && entry.size !== undefined;
    const { time, date } = dosTime(entry.modifiedAt);
    const record: Written = {
      name: utf8.encode(entry.name),
      flags: flags.utf8 | (known ? 0 : flags.dataDescriptor),
      time,
      date,
      crc: known ? (entry.crc32 ?? 0) : 0,
      size: known ? (entry.size ?? 0) : 0,
      offset,
    };
    const header = localHeader(record);
    yield header;
    offset += header.length;

    let crc = 0;
    let size = 0;
    const reader = source.getReader();
    let finished = false;
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        size += chunk.value.length;
        if (entry.size !== undefined && size > entry.size) throw new Error(`${entry.name}: more bytes than its size`);
        if (!known) crc = crc32(chunk.value, crc);
        yield chunk.value;
      }
      finished = true;
    } finally {
      // Failed, or the client went away: let go of the source (an S3 response) too.
      if (!finished) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
    if (entry.size !== undefined && size !== entry.size) throw new Error(`${entry.name}: ${size} bytes where ${entry.size} were expected`);
    offset += size;
    if (!known) {
      Object.assign(record, { crc, size });
      const descriptor = fields([[4, 0x08074b50], [4, crc], [4, size], [4, size]]);
      yield descriptor;
      offset += descriptor.length;
    }
    if (offset > zipLimits.bytes) throw new Error("ZIP archive over 4 GiB");
    written.push(record);
  }
  let directorySize = 0;
  for (const record of written) {
    const central = centralHeader(record);
    directorySize += central.length;
    yield central;
  }
  if (offset + directorySize > zipLimits.bytes) throw new Error("ZIP archive over 4 GiB");
  yield fields([[4, 0x06054b50], [2, 0], [2, 0], [2, written.length], [2, written.length], [4, directorySize], [4, offset], [2, 0]]);
}

function localHeader(r: Written): Uint8Array {
  const head = fields([[4, 0x04034b50], [2, 20], [2, r.flags], [2, 0], [2, r.time], [2, r.date], [4, r.crc], [4, r.size], [4, r.size], [2, r.name.length], [2, 0]]);
  return joined(head, r.name);
}

function centralHeader(r: Written): Uint8Array {
  const head = fields([
    [4, 0x02014b50], [2, madeByUnix], [2, 20], [2, r.flags], [2, 0], [2, r.time], [2, r.date], [4, r.crc], [4, r.size], [4, r.size],
    [2, r.name.length], [2, 0], [2, 0], [2, 0], [2, 0], [4, regularFile], [4, r.offset],
  ]);
  return joined(head, r.name);
}

/** Little-endian fields of 2 or 4 bytes. */
function fields(values: [2 | 4, number][]): Uint8Array {
  const out = new Uint8Array(values.reduce((sum, [width]) => sum + width, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [width, value] of values) {
    if (width === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value, true);
    at += width;
  }
  return out;
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** MS-DOS date and time (what ZIP stores), from the UTC fields; before 1980 it cannot say, so 1980-01-01. */
function dosTime(at: Date): { time: number; date: number } {
  if (at.getUTCFullYear() < 1980) return { time: 0, date: (1 << 5) | 1 };
  const year = Math.min(at.getUTCFullYear(), 2107) - 1980;
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: (year << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}
