// Vite builds the explorer into dist/ (committed: the node serves it at /ui with no build step).
// base "./": every URL in index.html is relative, so the same build works under /ui/ of any node or
// from any static host. @dgrid/client resolves to the client's sources, as examples/browser does.
import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [preact({ prefreshEnabled: false })],
  resolve: { alias: { "@dgrid/client": fileURLToPath(new URL("../client/index.ts", import.meta.url)) } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // no source maps in the committed build (they would double its size)
    sourcemap: false,
    // the wallet chunk, loaded by "try it" only, is ~1.5 MB: CosmJS's registry of every SDK message type
    chunkSizeWarningLimit: 1600,
  },
  logLevel: "warn",
});
