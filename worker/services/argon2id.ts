/// <reference path="../wasm-modules.d.ts" />
// wrangler (and the vitest plugin) bundle an imported .wasm file as a compiled module: workerd
// refuses to compile WebAssembly from bytes at run time, so the module must come in this way.
import argon2Wasm from "@phi-ag/argon2/argon2.wasm";
import type { ArgonParams } from "./password-params";

/** The C exports of the reference argon2 implementation, as built by @phi-ag/argon2 (SIMD). */
interface Argon2Exports {
  memory: { buffer: ArrayBuffer };
  _initialize(): void;
  malloc(size: number): number;
  free(pointer: number): void;
  argon2_hash(
    t: number, m: number, p: number, pwd: number, pwdLength: number, salt: number, saltLength: number,
    hash: number, hashLength: number, encoded: number, encodedLength: number, type: number, version: number,
  ): number;
}

/** The one WebAssembly call used, typed here: web/ and scripts/ type-check this file without the WebAssembly types. */
const { Instance } = (globalThis as unknown as { WebAssembly: { Instance: new (module: object) => { exports: object } } }).WebAssembly;

const argon2idType = 2;
const version13 = 0x13;

let instance: Argon2Exports | undefined;

/**
 * One instance per isolate, made on first use. Its memory grows to the largest cost hashed
 * so far (about 38 MiB after one hash at m = 19 MiB) and is reused by every later hash.
 */
function wasm(): Argon2Exports {
  if (!instance) {
    const exports = new Instance(argon2Wasm).exports as unknown as Argon2Exports;
    exports._initialize();
    instance = exports;
  }
  return instance;
}

/**
 * Raw argon2id (v1.3) of the password's UTF-8 bytes, as @noble/hashes and libargon2 compute it.
 * The library's own wrapper passes `password.length` (UTF-16 units) as the byte length, which
 * truncates non-ASCII passwords, so the exports are called directly.
 */
export function argon2id(password: string, salt: Uint8Array, params: ArgonParams, hashLength: number): Uint8Array {
  const argon2 = wasm();
  const passwordBytes = new TextEncoder().encode(password);
  const passwordAt = argon2.malloc(Math.max(passwordBytes.length, 1));
  const saltAt = argon2.malloc(salt.length);
  const hashAt = argon2.malloc(hashLength);
  try {
    if (!passwordAt || !saltAt || !hashAt) throw new Error("argon2id: out of WebAssembly memory");
    new Uint8Array(argon2.memory.buffer).set(passwordBytes, passwordAt);
    new Uint8Array(argon2.memory.buffer).set(salt, saltAt);
    const status = argon2.argon2_hash(
      params.t, params.m, params.p, passwordAt, passwordBytes.length, saltAt, salt.length,
      hashAt, hashLength, 0, 0, argon2idType, version13,
    );
    if (status !== 0) throw new Error(`argon2id failed with status ${status}`);
    // The memory may have grown during the hash: take a fresh view of it.
    return new Uint8Array(argon2.memory.buffer).slice(hashAt, hashAt + hashLength);
  } finally {
    // The instance outlives the call: leave no copy of the password in its memory.
    new Uint8Array(argon2.memory.buffer).fill(0, passwordAt, passwordAt + passwordBytes.length);
    passwordBytes.fill(0);
    for (const pointer of [passwordAt, saltAt, hashAt]) if (pointer) argon2.free(pointer);
  }
}
