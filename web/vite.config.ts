import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

export default defineConfig({
  root: import.meta.dirname,
  plugins: [solid()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // The album share page's viewer (the worker renders that page): its own entry, importing nothing of
      // the app, at a fixed path the page's HTML names (worker/routes/shared-page-html.ts).
      input: { index: `${import.meta.dirname}/index.html`, "share-viewer": `${import.meta.dirname}/src/share-viewer.ts` },
      output: {
        entryFileNames: (chunk) => (chunk.name === "share-viewer" ? "share-viewer.js" : "assets/[name]-[hash].js"),
        // What every page needs, in one chunk beside the entry: left to itself Rolldown splits modules
        // the entry already loads into extra chunks (rolldown#10731), about 0.5 KiB gzip each; live-images.ts,
        // which the tiles and several lazy pages share, was one (596 bytes, 0.2 KiB of first load as a chunk).
        codeSplitting: {
          groups: [{ name: "app", test: /node_modules[\\/](solid-js|hono|@solidjs)[\\/]|vite[\\/]preload-helper|web[\\/]src[\\/]lib[\\/](api|session|months|live-images)\.ts$/ }],
        },
      },
    },
  },
});
