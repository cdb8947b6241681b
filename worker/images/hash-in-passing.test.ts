import { describe, expect, it } from "vitest";
import { concat, randomBytes } from "../test/bytes";
import { exifTiff, makeJpegWithMetadata } from "../test/images";
import { hashInPassing } from "./hash-in-passing";
import { stripMetadata, stripMetadataStream } from "./strip-stream";
import { collect, rangedOver, streamOf } from "./stream-test-helpers";

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");

describe("hashInPassing: SHA-256 over a stream with crypto.DigestStream (issue 22, item 2)", () => {
  it("finds crypto.DigestStream in the test runtime, as in production's workerd", async () => {
    expect(typeof crypto.DigestStream).toBe("function");
    expect(new crypto.DigestStream("SHA-256")).toBeInstanceOf(WritableStream);
  });

  it("passes every byte on unchanged and hashes them as crypto.subtle.digest does", async () => {
    const bytes = concat(Array.from({ length: 5 }, () => randomBytes(60_000)));
    const { stream, sha256 } = hashInPassing(streamOf(bytes, [1, 4096, 65536]));
    expect(await collect(stream)).toEqual(bytes);
    expect(await sha256).toBe(hex(await crypto.subtle.digest("SHA-256", bytes)));
  });

  it("hashes the stripped file as it streams: the hash of the bytes stripMetadata returns", async () => {
    const jpeg = makeJpegWithMetadata(64, 48, { exif: exifTiff({ orientation: 6 }) });
    const stripped = await stripMetadataStream(rangedOver(jpeg), "jpeg", { blockSize: 100 });
    if (!stripped.ok) throw new Error(stripped.message);
    const { stream, sha256 } = hashInPassing(stripped.stream);
    await collect(stream);
    const whole = await stripMetadata(jpeg, "jpeg");
    if (!whole.ok) throw new Error(whole.message);
    expect(await sha256).toBe(hex(await crypto.subtle.digest("SHA-256", whole.bytes)));
  });

  it("rejects the hash when the stream fails, so a half-read object is never taken for a whole one", async () => {
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error("S3 reset the connection"));
        sent = true;
        controller.enqueue(randomBytes(10));
      },
    });
    const { stream, sha256 } = hashInPassing(failing);
    await expect(collect(stream)).rejects.toThrow("S3 reset the connection");
    await expect(sha256).rejects.toThrow();
  });
});
