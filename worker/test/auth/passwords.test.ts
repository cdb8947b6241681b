import { describe, expect, it } from "vitest";
import { passwordHasher } from "../../services/passwords";

// PHC strings made by the previous implementation (@noble/hashes) and checked with libargon2.
const earlierHashes = [
  {
    password: "correct horse battery staple",
    stored: "$argon2id$v=19$m=19456,t=2,p=1$Zml4ZWQtc2FsdC0wMDAwMQ$s/tvc1LDeYKQYZscnqtq50aYAQx8hfpJ93qSWAY+bmc",
  },
  {
    password: "pässwörd 🔐 ünïcode",
    stored: "$argon2id$v=19$m=19456,t=2,p=1$Zml4ZWQtc2FsdC0wMDAwMg$YMkd7D7T0tvxqdCIPkp/jJhfRrJs+lv16GTVROPEPlI",
  },
];

describe("argon2id password hashes", () => {
  it.each(earlierHashes)("verifies a hash stored before the WebAssembly hasher ($password)", ({ password, stored }) => {
    expect(passwordHasher.verify(stored, password)).toEqual({ ok: true, needsRehash: false });
    expect(passwordHasher.verify(stored, `${password}!`).ok).toBe(false);
  });

  it("asks for a rehash of an earlier hash with older accepted parameters", () => {
    const stored = "$argon2id$v=19$m=7168,t=5,p=1$Zml4ZWQtc2FsdC0wMDAwMw$1/4MyuNG6VvHAf4bA8f3oUSgnC1IRFJwj3CSv7W5fCg";
    expect(passwordHasher.verify(stored, "an older password")).toEqual({ ok: true, needsRehash: true });
  });

  it("hashes every byte of a non-ASCII password, not its UTF-16 length", () => {
    const stored = passwordHasher.hash("ééééééééé");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(passwordHasher.verify(stored, "ééééééééé").ok).toBe(true);
    // Truncated to 9 bytes, both would hash the same 4½ characters.
    expect(passwordHasher.verify(stored, "éééééééééx").ok).toBe(false);
    expect(passwordHasher.verify(stored, "éééé").ok).toBe(false);
  });
});
