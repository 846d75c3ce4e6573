#!/usr/bin/env node
// Entry point for `npx dgrid`: app/cli/main.ts, with no build step for the user.
//
// The sources run from one esbuild bundle of this checkout (build/cli/, git-ignored), rebuilt here
// when any file it was built from changed: loading ~600 TypeScript modules one by one through tsx's
// loader costs every CLI call and node start 1-2 s of CPU, the bundle about half that. Packages stay
// external (loaded by Node from node_modules as usual). When the bundle cannot be built, or with
// DGRID_NO_BUNDLE=1, the sources load through tsx as before.
import { loadBundle } from "./cli-bundle.js";

const entry = await loadBundle().catch((e) => {
  if (process.env.DGRID_DEBUG_BUNDLE) console.error(`dgrid: running from the sources (${e?.message ?? e})`);
  return undefined;
});
if (entry) {
  // the onnxruntime sandboxes this process forks run the bundled child too (validator/onnx/sandbox.ts)
  if (entry.sandboxChild) process.env.DGRID_SANDBOX_CHILD = entry.sandboxChild;
  await entry.main(process.argv);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../app/cli/main.ts");
  await main(process.argv);
}
