/**
 * CRC-32 (ISO-HDLC, the one ZIP and PNG use), slicing by 8: about 300 MB/s in workerd,
 * which has no native CRC-32 without nodejs_compat. Pass the previous result to continue.
 */
const table = new Uint32Array(256 * 8);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  table[n] = c >>> 0;
}
for (let n = 0; n < 256; n++) {
  for (let slice = 1; slice < 8; slice++) table[slice * 256 + n] = table[table[(slice - 1) * 256 + n] & 0xff] ^ (table[(slice - 1) * 256 + n] >>> 8);
}

export function crc32(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  for (; i < end8; i += 8) {
    const low = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) ^ crc;
    crc =
      table[1792 + (low & 0xff)] ^ table[1536 + ((low >>> 8) & 0xff)] ^ table[1280 + ((low >>> 16) & 0xff)] ^ table[1024 + (low >>> 24)] ^
      table[768 + bytes[i + 4]] ^ table[512 + bytes[i + 5]] ^ table[256 + bytes[i + 6]] ^ table[bytes[i + 7]];
  }
  for (; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
