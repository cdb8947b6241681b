import { crc32 } from "./bytes";

/**
 * A strict reader of the ZIPs the worker writes, written from APPNOTE rather than from our
 * writer: every entry is checked where the central directory and the local header (and data
 * descriptor) repeat each other, entries must lie end to end, and each CRC-32 is recomputed.
 */
export interface ZipFile {
  name: string;
  bytes: Uint8Array;
  crc32: number;
  usesDataDescriptor: boolean;
  modified: { year: number; month: number; day: number };
}

export function readZip(zip: Uint8Array): ZipFile[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const end = zip.length - 22;
  if (end < 0 || u32(end) !== 0x06054b50) throw new Error("no end-of-central-directory record at the end");
  const count = u16(end + 10);
  const directorySize = u32(end + 12);
  const directoryAt = u32(end + 16);
  if (u16(end + 8) !== count || directoryAt + directorySize !== end) throw new Error("the central directory does not end where the end record starts");

  const files: ZipFile[] = [];
  let expectedLocal = 0;
  for (let at = directoryAt, i = 0; i < count; i++) {
    if (u32(at) !== 0x02014b50) throw new Error(`entry ${i}: no central header`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const [time, date, crc, compressed, size] = [u16(at + 12), u16(at + 14), u32(at + 16), u32(at + 20), u32(at + 24)];
    const nameLength = u16(at + 28);
    const otherLength = u16(at + 30) + u16(at + 32);
    const localAt = u32(at + 42);
    const name = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(zip.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + otherLength;
    if (method !== 0 || compressed !== size) throw new Error(`${name}: not stored`);
    if (localAt !== expectedLocal) throw new Error(`${name}: local header at ${localAt}, previous entry ended at ${expectedLocal}`);

    if (u32(localAt) !== 0x04034b50) throw new Error(`${name}: no local header`);
    const localName = new TextDecoder().decode(zip.subarray(localAt + 30, localAt + 30 + u16(localAt + 26)));
    if (u16(localAt + 6) !== flags || u16(localAt + 10) !== time || u16(localAt + 12) !== date || localName !== name) {
      throw new Error(`${name}: local header disagrees with the central directory`);
    }
    const usesDataDescriptor = (flags & 0x0008) !== 0;
    const localCrcAndSizes = [u32(localAt + 14), u32(localAt + 18), u32(localAt + 22)];
    const expectedLocalValues = usesDataDescriptor ? [0, 0, 0] : [crc, size, size];
    if (localCrcAndSizes.some((value, k) => value !== expectedLocalValues[k])) throw new Error(`${name}: local CRC or sizes wrong`);
    const dataAt = localAt + 30 + u16(localAt + 26) + u16(localAt + 28);
    const bytes = zip.slice(dataAt, dataAt + size);
    expectedLocal = dataAt + size;
    if (usesDataDescriptor) {
      if (u32(expectedLocal) !== 0x08074b50 || u32(expectedLocal + 4) !== crc || u32(expectedLocal + 8) !== size || u32(expectedLocal + 12) !== size) {
        throw new Error(`${name}: data descriptor disagrees with the central directory`);
      }
      expectedLocal += 16;
    }
    if (crc32(bytes) !== crc) throw new Error(`${name}: CRC-32 ${crc32(bytes)} where the archive says ${crc}`);
    files.push({ name, bytes, crc32: crc, usesDataDescriptor, modified: { year: 1980 + (date >> 9), month: (date >> 5) & 15, day: date & 31 } });
  }
  if (expectedLocal !== directoryAt) throw new Error("bytes between the last entry and the central directory");
  return files;
}
