// The CLI's esbuild bundle (see dgrid.js): build/cli/b-<hash>/ (main.mjs, a chunk per lazily
// imported command, and sandbox-child.mjs: the onnxruntime sandbox process's entry) and a manifest
// naming it and every file it was built from with its size and mtime. A bundle is used only while
// every one of those files is unchanged; otherwise it is rebuilt (about a second) before the command runs.
// Concurrent processes may rebuild at once: each writes into a directory of its own, renamed to the
// content-hashed name, and renames its manifest into place, so none ever reads a half-written file.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** the checkout whose app/cli/main.ts `dgrid` runs */
const ROOT = resolve(import.meta.dirname, "..");
const ENTRY = "app/cli/main.ts";
/** validator/onnx/sandbox.ts forks this one (bundled: DGRID_SANDBOX_CHILD, set by dgrid.js) */
const SANDBOX_ENTRY = "validator/onnx/sandbox-child.ts";
const FORMAT = 1;

/**
 * The loaded bundle's exports (`root`/app/cli/main.ts), built first when missing or stale; throws when
 * none can be built. `built`: whether this call built it.
 */
export async function loadBundle(root = ROOT) {
  if (process.env.DGRID_NO_BUNDLE === "1") throw new Error("DGRID_NO_BUNDLE=1");
  const fresh = freshBundle(root);
  const file = fresh ?? (await build(root));
  const sandboxChild = join(dirname(file), "sandbox-child.mjs");
  return {
    ...(await import(pathToFileURL(file).href)),
    built: fresh === undefined,
    file,
    sandboxChild: existsSync(sandboxChild) ? sandboxChild : undefined,
  };
}

const outDir = (root) => join(root, "build", "cli");
const manifestPath = (root) => join(outDir(root), "manifest.json");

/** The current bundle's path, or undefined when there is none or a source changed since. */
function freshBundle(root) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(root), "utf8"));
  } catch {
    return undefined;
  }
  if (manifest.format !== FORMAT || manifest.root !== root || manifest.node !== process.version) return undefined;
  for (const [path, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    try {
      const s = statSync(join(root, path));
      if (s.size !== size || s.mtimeMs !== mtimeMs) return undefined;
    } catch {
      return undefined;
    }
  }
  return join(outDir(root), manifest.bundle);
}

/**
 * Sources keep their own location: import.meta.dirname / url name the .ts file, not the bundle. Each
 * file's stat is taken before it is read, so a file changed during the build leaves the manifest
 * stale rather than a stale bundle looking fresh.
 */
const sourcePaths = (stats) => ({
  name: "source-paths",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const s = statSync(args.path);
      stats.set(args.path, [s.size, s.mtimeMs]);
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.")) return { contents: text, loader: "ts" };
      const contents = text
        .replaceAll("import.meta.dirname", JSON.stringify(dirname(args.path)))
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: "ts" };
    });
  },
});

async function build(root) {
  const out = outDir(root);
  const esbuild = await import("esbuild");
  const stats = new Map();
  const tmp = join(out, `.tmp-${process.pid}-${Date.now()}`);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      main: ENTRY,
      ...(existsSync(join(root, SANDBOX_ENTRY)) ? { "sandbox-child": SANDBOX_ENTRY } : {}),
    },
    bundle: true,
    // each command's lazy import() stays a chunk of its own, with its packages: `dgrid --help` or a
    // query loads neither onnxruntime nor libp2p
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    metafile: true,
    sourcemap: "linked",
    outdir: tmp,
    outExtension: { ".js": ".mjs" },
    logLevel: "silent",
    plugins: [sourcePaths(stats)],
  });
  const inputs = {};
  for (const path of Object.keys(result.metafile.inputs).sort()) {
    const abs = join(root, path);
    const s = stats.get(abs);
    if (s) inputs[path] = s;
    else {
      const t = statSync(abs);
      inputs[path] = [t.size, t.mtimeMs];
    }
  }
  const files = [...result.outputFiles].sort((a, b) => (a.path < b.path ? -1 : 1));
  const hash = createHash("sha256");
  for (const f of files) hash.update(relative(tmp, f.path)).update(f.contents);
  const name = `b-${hash.digest("hex").slice(0, 16)}`;
  const dir = join(out, name);
  if (!existsSync(dir)) {
    for (const f of files) {
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.contents);
    }
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process put the same build there first
    }
  }
  const manifest = { format: FORMAT, root, node: process.version, entry: ENTRY, bundle: `${name}/main.mjs`, inputs };
  const manifestFile = manifestPath(root);
  writeFileSync(`${manifestFile}.${process.pid}.tmp`, `${JSON.stringify(manifest)}\n`);
  renameSync(`${manifestFile}.${process.pid}.tmp`, manifestFile);
  removeOldBuilds(out, name);
  return join(dir, "main.mjs");
}

/**
 * Builds other than the current one, made more than an hour ago. Not sooner: a process started from
 * an earlier build (a running node) may still load one of its chunks.
 */
function removeOldBuilds(out, keep) {
  const cutoff = Date.now() - 3_600_000;
  for (const f of readdirSync(out)) {
    if (f === keep || f === "manifest.json") continue;
    const path = join(out, f);
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process removed it first
    }
  }
}
