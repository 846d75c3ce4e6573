// The root README's shell blocks as a test runs them: a section's fenced `sh` blocks, one command per
// line, and a bash in which `npx dgrid` is this checkout's bin/dgrid.js (what npx resolves to after
// installing the package), so a test follows the README literally.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./node-process.ts";

/** The text of the README section `## <title>` and its fenced `sh` blocks. */
export function readmeSection(title: string): { text: string; blocks: string[] } {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const start = readme.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README.md has a "${title}" section`);
  const end = readme.indexOf("\n## ", start + 1);
  const text = readme.slice(start, end < 0 ? undefined : end);
  return { text, blocks: [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]) };
}

/** One command per entry: backslash-continued lines joined, blank lines dropped. */
export function shellCommands(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

const PRELUDE = `set -euo pipefail
npx() { if [ "$1" = dgrid ]; then shift; node "$DGRID_BIN" "$@"; else command npx "$@"; fi; }
`;

export interface BashRun {
  child: ChildProcess;
  output: () => string;
  done: Promise<number | null>;
  /** SIGTERM to its process group (detached runs), SIGKILL after 15 s */
  stop(): Promise<void>;
}

/** Runs `script` in bash from the repository root; `env` must carry DGRID_BIN. */
export function runBash(script: string, env: NodeJS.ProcessEnv, opts: { detached?: boolean } = {}): BashRun {
  const child = spawn("bash", ["-c", PRELUDE + script], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: opts.detached,
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const done = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
  return {
    child,
    output: () => out,
    done,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = (sig: NodeJS.Signals) => (opts.detached ? process.kill(-child.pid!, sig) : child.kill(sig));
      kill("SIGTERM");
      const t = setTimeout(() => kill("SIGKILL"), 15_000);
      await done;
      clearTimeout(t);
    },
  };
}
