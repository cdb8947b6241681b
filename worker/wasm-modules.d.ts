/**
 * wrangler's default module rules import a .wasm file as a compiled WebAssembly.Module. Typed as
 * `object` because web/ and scripts/ type-check the worker too, without the WebAssembly types.
 */
declare module "@phi-ag/argon2/argon2.wasm" {
  const module: object;
  export default module;
}
