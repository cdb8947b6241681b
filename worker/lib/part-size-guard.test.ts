import { describe, expect, it } from "vitest";
import { concat } from "../test/bytes";
import { partSizeGuard } from "./part-size-guard";

const boundary = "----formdata-boundary-1234";
const ascii = (text: string) => new TextEncoder().encode(text);

function body(partSizes: number[]): Uint8Array {
  const pieces: Uint8Array[] = [];
  partSizes.forEach((size, i) => {
    pieces.push(ascii(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${i}.png"\r\n\r\n`));
    pieces.push(new Uint8Array(size).fill(0x0d)); // CRs everywhere: every byte starts a delimiter candidate
    pieces.push(ascii("\r\n"));
  });
  pieces.push(ascii(`--${boundary}--\r\n`));
  return concat(pieces);
}

/** Streams `bytes` through the guard in chunks of `chunkSize`; how many bytes got through, and whether it refused. */
async function pass(bytes: Uint8Array, chunkSize: number, maxPartBytes: number, maxBodyBytes = 1 << 30) {
  const guard = partSizeGuard(boundary, maxPartBytes, maxBodyBytes);
  const writer = guard.stream.writable.getWriter();
  const reading = (async () => {
    let through = 0;
    const reader = guard.stream.readable.getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) through += r.value.length;
    } catch {
      // refused
    }
    return through;
  })();
  for (let at = 0; at < bytes.length; at += chunkSize) {
    if (guard.state.tooLarge) break;
    await writer.write(bytes.slice(at, at + chunkSize)).catch(() => {});
  }
  if (!guard.state.tooLarge) await writer.close().catch(() => {});
  return { through: await reading, refused: guard.state.tooLarge ?? false };
}

describe("partSizeGuard", () => {
  it.each([1, 2, 7, 29, 30, 31, 64, 1000, 1 << 20])("passes parts within the limit whole, in chunks of %i bytes", async (chunkSize) => {
    const bytes = body([500, 900, 10]);
    expect(await pass(bytes, chunkSize, 1000)).toEqual({ through: bytes.length, refused: false });
  });

  it.each([1, 3, 30, 64, 4096])("refuses a part past the limit once that much of it arrived, in chunks of %i bytes", async (chunkSize) => {
    const bytes = body([500, 50_000, 10]);
    const { through, refused } = await pass(bytes, chunkSize, 1000);
    expect(refused).toBe("part");
    expect(through).toBeLessThan(500 + 1000 + 200 + chunkSize);
  });

  it("counts each part on its own: many parts just under the limit pass", async () => {
    const bytes = body(Array.from({ length: 20 }, () => 900));
    expect(await pass(bytes, 333, 1000)).toEqual({ through: bytes.length, refused: false });
  });

  it("refuses a body past its limit, however small its parts", async () => {
    const bytes = body(Array.from({ length: 20 }, () => 900));
    const { through, refused } = await pass(bytes, 333, 1000, 5000);
    expect(refused).toBe("body");
    expect(through).toBeLessThanOrEqual(5000);
  });
});
