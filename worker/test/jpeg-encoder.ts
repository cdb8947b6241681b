import { BitWriter, ascii, concat, u16be } from "./bytes";

/**
 * A minimal baseline JPEG encoder for tests: jpeg-js's encoder needs Buffer,
 * which workerd lacks without nodejs_compat. The image is one flat colour, so
 * each 8×8 block needs only its DC coefficient (quantisation is 1 throughout).
 */
export function encodeJpeg(
  width: number,
  height: number,
  rgb: [number, number, number],
  options: { noisyBlocks: number; maxBlocks?: number },
): Uint8Array {
  return concat([
    new Uint8Array([0xff, 0xd8]),
    jpegSegment(0xe0, concat([ascii("JFIF\0"), new Uint8Array([1, 1, 0, 0, 1, 0, 1, 0, 0])])),
    jpegSegment(0xdb, new Uint8Array(65).fill(1, 1)), // table 0, 8-bit, all ones
    jpegSegment(0xc0, concat([new Uint8Array([8]), u16be(height), u16be(width), new Uint8Array([3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0])])),
    jpegSegment(0xc4, new Uint8Array([0x00, ...dcTable.bits, ...dcTable.symbols, 0x10, ...acTable.bits, ...acTable.symbols])),
    jpegSegment(0xda, new Uint8Array([3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0])),
    stuffBytes(encodeScan(width, height, rgb, options)),
    new Uint8Array([0xff, 0xd9]),
  ]);
}

export const jpegSegment = (marker: number, body: Uint8Array) =>
  concat([new Uint8Array([0xff, marker]), u16be(body.length + 2), body]);

/** The standard luminance DC table (ITU T.81 K.3), used for all three components. */
const dcTable = huffmanTable([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
/** AC needs only end-of-block (0x00) and "run 0, one bit" (0x01) for the noise. */
const acTable = huffmanTable([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0x00, 0x01]);

function huffmanTable(bits: number[], symbols: number[]) {
  const codes = new Map<number, { code: number; length: number }>();
  let code = 0;
  let next = 0;
  bits.forEach((count, i) => {
    for (let n = 0; n < count; n++) codes.set(symbols[next++], { code: code++, length: i + 1 });
    code <<= 1;
  });
  return { bits, symbols, codes };
}

/**
 * One interleaved scan of 1×1-sampled Y, Cb, Cr blocks. A flat block of level v
 * has DC = 8·(v − 128). Noise is ±1 in the first 16 AC coefficients of the
 * first `noisyBlocks` MCUs: invisible, but it makes every image's bytes unique.
 */
function encodeScan(
  width: number,
  height: number,
  [r, g, b]: [number, number, number],
  { noisyBlocks, maxBlocks = Infinity }: { noisyBlocks: number; maxBlocks?: number },
): Uint8Array {
  const levels = [
    0.299 * r + 0.587 * g + 0.114 * b,
    -0.1687 * r - 0.3313 * g + 0.5 * b + 128,
    0.5 * r - 0.4187 * g - 0.0813 * b + 128,
  ];
  const dc = levels.map((level) => Math.round(8 * (level - 128)));
  const blocks = Math.min(maxBlocks, Math.ceil(width / 8) * Math.ceil(height / 8));
  const noise = crypto.getRandomValues(new Uint8Array(Math.min(blocks, noisyBlocks) * 3 * 16));
  const out = new BitWriter("msb-first");
  const writeCode = (table: typeof dcTable, symbol: number) => {
    const entry = table.codes.get(symbol);
    if (!entry) throw new Error(`no Huffman code for symbol ${symbol}`);
    out.write(entry.code, entry.length);
  };
  for (let block = 0; block < blocks; block++) {
    for (let c = 0; c < 3; c++) {
      const diff = block === 0 ? dc[c] : 0;
      const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      writeCode(dcTable, category);
      out.write(diff >= 0 ? diff : diff + (1 << category) - 1, category);
      if (block < noisyBlocks) {
        for (let k = 0; k < 16; k++) {
          writeCode(acTable, 0x01);
          out.write(noise[(block * 3 + c) * 16 + k] & 1, 1);
        }
      }
      writeCode(acTable, 0x00);
    }
  }
  return out.finish(1);
}

/** Inside scan data an FF byte is followed by 00 so it is not read as a marker. */
function stuffBytes(scan: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const byte of scan) {
    out.push(byte);
    if (byte === 0xff) out.push(0x00);
  }
  return new Uint8Array(out);
}
