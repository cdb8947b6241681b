import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, hmacSha256, sha256 } from "./sha256";

const random = (length: number) => {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
  return bytes;
};

const subtleSha256 = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));

async function subtleHmac(key: Uint8Array, message: Uint8Array) {
  // WebCrypto refuses an empty HMAC key; RFC 2104 pads it to a block of zeros, which is the same key.
  const imported = await crypto.subtle.importKey("raw", key.length ? key : new Uint8Array(64), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, message));
}

describe("sha256 and hmacSha256, as WebCrypto computes them", () => {
  it("hashes the FIPS 180-4 examples", () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(bytesToHex(sha256(text("")))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(bytesToHex(sha256(text("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(bytesToHex(sha256(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("hashes every length from 0 to 300 bytes (every padding case) and a 1 MiB input", async () => {
    for (const length of [...Array.from({ length: 301 }, (_, i) => i), 1024 * 1024 + 3]) {
      const bytes = random(length);
      expect(sha256(bytes), `${length} bytes`).toEqual(await subtleSha256(bytes));
    }
  });

  it("keys HMAC with keys of 0 to 130 bytes (shorter, as long as and longer than a block)", async () => {
    for (let keyLength = 0; keyLength <= 130; keyLength++) {
      const key = random(keyLength);
      const message = random(keyLength * 3);
      expect(hmacSha256(key, message), `key of ${keyLength} bytes`).toEqual(await subtleHmac(key, message));
    }
  });
});

describe("hex", () => {
  it("round-trips bytes through lower-case hex", () => {
    const bytes = random(256);
    expect(bytesToHex(bytes)).toMatch(/^[0-9a-f]{512}$/);
    expect(hexToBytes(bytesToHex(bytes))).toEqual(bytes);
    expect(hexToBytes("00FFab")).toEqual(new Uint8Array([0, 255, 171]));
  });

  it.each(["abc", "zz", "0x12", " 12", "1-"])("refuses %j", (hex) => {
    expect(() => hexToBytes(hex)).toThrow("hex string expected");
  });
});
