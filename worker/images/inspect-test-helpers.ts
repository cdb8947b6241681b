import { expect } from "vitest";
import { type InspectResult, inspectImage } from "./inspect-stream";
import { rangedOver } from "./stream-test-helpers";

/**
 * For the inspector's tests only: inspectImage over ranged reads of bytes,
 * checked against its answer for the same bytes held in memory.
 */

export const testNow = new Date("2026-06-01T12:00:00Z");

/** inspectImage at read sizes from 1 byte up (the default last) equals its answer in memory, field for field; returns that answer. */
export async function expectInspectedAsWhole(bytes: Uint8Array, now = testNow, blockSizes: (number | undefined)[] = [1, 7, 512, undefined]): Promise<InspectResult> {
  const whole = await inspectImage(bytes, now);
  for (const blockSize of blockSizes) {
    expect(await inspectImage(rangedOver(bytes), now, { blockSize }), `read size ${blockSize ?? "default"}`).toStrictEqual(whole);
  }
  return whole;
}

/**
 * A makeHeifWithMetadata file with meta moved after mdat, its iloc file offsets (v1,
 * 32-bit, one extent per item, as that builder writes them) moved with it.
 */
export function withMetaLast(heif: Uint8Array): Uint8Array {
  const view = new DataView(heif.buffer, heif.byteOffset, heif.length);
  const ftypEnd = view.getUint32(0);
  const metaEnd = ftypEnd + view.getUint32(ftypEnd);
  const meta = heif.slice(ftypEnd, metaEnd);
  const metaView = new DataView(meta.buffer);
  const iloc = new TextDecoder("latin1").decode(meta).indexOf("iloc") + 4;
  const count = metaView.getUint16(iloc + 6);
  for (let i = 0, entry = iloc + 8; i < count; i++, entry += 16) {
    if (metaView.getUint16(entry + 2) === 0) metaView.setUint32(entry + 8, metaView.getUint32(entry + 8) - meta.length);
  }
  const out = new Uint8Array(heif.length);
  out.set(heif.subarray(0, ftypEnd));
  out.set(heif.subarray(metaEnd), ftypEnd);
  out.set(meta, heif.length - meta.length);
  return out;
}
