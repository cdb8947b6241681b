import { describe, expect, it } from "vitest";
import { crc32 as libCrc32 } from "../lib/crc32";
import { type ZipEntry, zipArchive, zipLength } from "../lib/zip";
import { ZipNames } from "../lib/zip-names";
import { crc32, randomBytes } from "./bytes";
import { readZip } from "./zip-reader";

const streamOf = (bytes: Uint8Array, chunk = 7) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += chunk) controller.enqueue(bytes.slice(at, at + chunk));
      controller.close();
    },
  });

const entry = (name: string, bytes: Uint8Array, known: { size?: boolean; crc?: boolean } = {}): ZipEntry => ({
  name,
  modifiedAt: new Date("2024-02-29T23:59:59Z"),
  size: known.size === false ? undefined : bytes.length,
  crc32: known.crc ? crc32(bytes) : undefined,
  open: async () => streamOf(bytes),
});

describe("the ZIP writer", () => {
  it("computes the same CRC-32 as the reference, however the bytes are split", () => {
    const bytes = randomBytes(1000);
    expect(libCrc32(bytes)).toBe(crc32(bytes));
    expect(libCrc32(bytes.subarray(333), libCrc32(bytes.subarray(0, 333)))).toBe(crc32(bytes));
    expect(libCrc32(new Uint8Array())).toBe(0);
  });

  it("writes known-CRC entries, streamed-CRC entries, entries of unknown size and empty ones, at the length it promised", async () => {
    const blobs = [randomBytes(100), new Uint8Array(), randomBytes(4097), randomBytes(9)];
    const entries = [entry("a", blobs[0], { crc: true }), entry("b", blobs[1]), entry("c/d", blobs[2]), entry("e", blobs[3], { crc: true })];
    const zip = new Uint8Array(await new Response(zipArchive(entries)).arrayBuffer());
    expect(zip.length).toBe(zipLength(entries.map((e) => ({ name: e.name, size: e.size ?? 0, crc32: e.crc32 }))));
    const files = readZip(zip);
    expect(files.map((f) => [f.name, f.usesDataDescriptor, f.modified])).toEqual([
      ["a", false, { year: 2024, month: 2, day: 29 }],
      ["b", true, { year: 2024, month: 2, day: 29 }],
      ["c/d", true, { year: 2024, month: 2, day: 29 }],
      ["e", false, { year: 2024, month: 2, day: 29 }],
    ]);
    expect(files.map((file) => file.bytes)).toEqual(blobs);
    const unsized = new Uint8Array(await new Response(zipArchive([entry("x", blobs[2], { size: false })])).arrayBuffer());
    expect(readZip(unsized)[0].bytes).toEqual(blobs[2]);
  });

  it("skips an entry whose source is gone, and fails the archive when a source has more or fewer bytes than declared", async () => {
    const skipped = zipArchive([{ ...entry("gone", randomBytes(3)), open: async () => null }, entry("kept", randomBytes(3))]);
    expect(readZip(new Uint8Array(await new Response(skipped).arrayBuffer())).map((f) => f.name)).toEqual(["kept"]);
    for (const size of [5, 20]) {
      const wrong = zipArchive([{ ...entry("wrong", randomBytes(10)), size }]);
      await expect(new Response(wrong).arrayBuffer()).rejects.toThrow(/wrong/);
    }
  });

  it("names files so they extract safely anywhere, each once ignoring case", () => {
    const names = new ZipNames();
    const taken = ["../../etc/passwd", "C:\\Windows\\win.ini", "CON", "con.txt", "lpt1.jpg", "a<b>c:d|e?f*g.png", "trailing. . .", "...", "", "photo.jpg", "PHOTO.jpg", "photo (2).jpg", "\u202Egpj.exe"].map((name) => names.take(name));
    expect(taken).toEqual([
      "passwd", "win.ini", "_CON", "_con.txt", "_lpt1.jpg", "a_b_c_d_e_f_g.png", "trailing", "image", "image (2)", "photo.jpg", "PHOTO (2).jpg", "photo (2) (2).jpg", "gpj.exe",
    ]);
    expect(names.take("photo.jpg", "images/")).toBe("images/photo.jpg");
    expect([...new ZipNames().take(`${"x".repeat(300)}.jpeg`)].length).toBe(150);
  });
});
