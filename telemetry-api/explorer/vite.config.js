// One fixed-name script and stylesheet, so the server embeds a known file list
// (telemetry-api/src/explorer.rs) and revalidates them with ETags instead of hashed names.
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    modulePreload: false,
    assetsInlineLimit: 0,
    rollupOptions: {
      output: {
        inlineDynamicImports: true,
        entryFileNames: "assets/explorer.js",
        assetFileNames: "assets/explorer[extname]",
      },
    },
  },
});
