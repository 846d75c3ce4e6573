// Bundles main.ts for browsers into dist/main.js (git-ignored): ESM, no polyfills, with the
// @dgrid/client sources, which examples/tsconfig.json maps to client/index.ts. `npm run
// example:browser:build` runs this file; the browser-example test calls buildBrowserExample().
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

export const browserExampleDir = import.meta.dirname;
export const bundlePath = join(browserExampleDir, "dist", "main.js");

export async function buildBrowserExample(): Promise<{ outfile: string; bytes: number }> {
  await build({
    entryPoints: [join(browserExampleDir, "main.ts")],
    tsconfig: join(browserExampleDir, "..", "tsconfig.json"),
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    sourcemap: true,
    outfile: bundlePath,
    logLevel: "warning",
  });
  return { outfile: bundlePath, bytes: statSync(bundlePath).size };
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { outfile, bytes } = await buildBrowserExample();
  console.log(`wrote ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);
}
