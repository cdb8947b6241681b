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
      output: {
        codeSplitting: {
          groups: [{ name: "app", test: /node_modules[\\/](solid-js|hono|@solidjs)[\\/]|web[\\/]src[\\/]lib[\\/](api|session)\.ts$/ }],
        },
      },
    },
  },
});
