// Throwaway directories for tests: made under the OS temp dir and removed when the test process
// exits (node --test runs each file in its own process), so a run leaves nothing behind even when a
// test fails before its own cleanup. DGRID_KEEP_TEST_DIRS=1 keeps them for post-mortems.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
let hooked = false;

function removeAll(): void {
  if (process.env.DGRID_KEEP_TEST_DIRS === "1") return;
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // a directory still held by a child that outlived the test: nothing more to do at exit
    }
  }
}

/** A fresh directory `<tmp>/<prefix>XXXXXX`, removed at process exit. */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.once("exit", removeAll);
  }
  return dir;
}
