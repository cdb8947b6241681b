/** Vite's `?raw` suffix imports a file's text; tests use it to read the SPA's route table. */
declare module "*?raw" {
  const text: string;
  export default text;
}
