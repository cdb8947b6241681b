import { randomFillSync } from "node:crypto";
import { PNG } from "pngjs";

const width = 1024;
const bytesPerRow = width * 3 + 1; // RGB plus the filter byte

/**
 * A fresh PNG of about `targetBytes`: random pixels do not compress, so the file is as
 * large as its pixels, and no two calls return the same bytes (uploads deduplicate).
 */
export function randomPng(targetBytes: number): Buffer {
  const height = Math.max(1, Math.round(targetBytes / bytesPerRow));
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = randomFillSync(Buffer.alloc(width * height * 3));
  // Stored deflate blocks and no filter search: random pixels gain nothing from either.
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false, deflateLevel: 0, filterType: 0 });
}
