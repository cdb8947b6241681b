/** Byte building blocks for the test image builders. */

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const ascii = (text: string) => new TextEncoder().encode(text);

export const u16be = (n: number) => new Uint8Array([n >>> 8, n]);
export const u16le = (n: number) => new Uint8Array([n, n >>> 8]);
export const u24le = (n: number) => new Uint8Array([n, n >>> 8, n >>> 16]);
export const u32be = (n: number) => new Uint8Array([n >>> 24, n >>> 16, n >>> 8, n]);
export const u32le = (n: number) => new Uint8Array([n, n >>> 8, n >>> 16, n >>> 24]);

export const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Packs variable-width codes into bytes, most significant bit first (JPEG) or least (GIF LZW). */
export class BitWriter {
  readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  constructor(private readonly order: "msb-first" | "lsb-first") {}

  write(value: number, width: number): void {
    for (let i = 0; i < width; i++) {
      const bit = this.order === "msb-first" ? (value >>> (width - 1 - i)) & 1 : (value >>> i) & 1;
      this.current |= this.order === "msb-first" ? bit << (7 - this.used) : bit << this.used;
      if (++this.used === 8) this.flush();
    }
  }

  /** Pads the last byte (JPEG pads with 1 bits, GIF with 0 bits) and returns everything written. */
  finish(padBit: 0 | 1): Uint8Array {
    while (this.used > 0) this.write(padBit, 1);
    return new Uint8Array(this.bytes);
  }

  private flush(): void {
    this.bytes.push(this.current);
    this.current = 0;
    this.used = 0;
  }
}
