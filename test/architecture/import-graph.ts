// Reads the repository's import graph with the TypeScript compiler's pre-processor (static imports,
// re-exports and dynamic import() calls alike) and checks the dependency direction of
// ARCHITECTURE.md section 1: proto -> chain -> modules -> app; validator used by app only.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

export interface ImportEdge {
  /** repo-relative path of the importing file, with "/" separators */
  from: string;
  /** repo-relative path of the imported file */
  to: string;
}

const SOURCE = /\.(ts|mts|js|mjs)$/;
const SKIP_DIRS = new Set(["node_modules", ".git", "dist", "proto/gen"]);

function walk(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(rel) && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".")) walk(root, rel, out);
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(rel);
  }
}

/** Every relative import between the repository's own source files. */
export function readImportGraph(root: string, folders: string[]): ImportEdge[] {
  const files: string[] = [];
  for (const f of folders) walk(root, f, files);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const info = ts.preProcessFile(readFileSync(join(root, from), "utf8"), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith(".")) continue;
      const to = relative(root, resolve(root, dirname(from), ref.fileName))
        .split(sep)
        .join("/");
      edges.push({ from, to });
    }
  }
  return edges;
}

const top = (path: string) => path.split("/")[0];
const moduleOf = (path: string) => (path.startsWith("modules/") ? path.split("/")[1] : undefined);

/** Code that ships: everything a user runs. Tests, benchmarks and examples may import anything. */
const PRODUCTION = new Set(["chain", "modules", "app", "validator", "client", "proto", "bin"]);

/** The rules' violations, one line each ("from -> to: why"); empty when the graph is clean. */
export function dependencyViolations(edges: ImportEdge[]): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const f = top(from);
    const t = top(to);
    const why = (reason: string) => out.push(`${from} -> ${to}: ${reason}`);
    if (PRODUCTION.has(f) && t === "test") why("production code imports test/");
    if (f === "chain" && ["modules", "app", "validator", "client"].includes(t)) {
      why(`the engine (chain/) imports ${t}/`);
    }
    if (f === "proto" && t !== "proto") why(`proto/ imports ${t}/`);
    if (f === "modules") {
      if (["app", "validator", "client"].includes(t)) why(`a module imports ${t}/`);
      const fm = moduleOf(from);
      const tm = moduleOf(to);
      if (tm && fm !== tm && !from.endsWith("/expected-keepers.ts")) {
        why(`module ${fm} reaches module ${tm} outside its expected-keepers.ts`);
      }
    }
    if (f === "validator" && t === "app") why("validator/ imports app/ (app uses validator, not the reverse)");
  }
  return out.sort();
}
