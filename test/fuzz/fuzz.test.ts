// The short fuzz run of `npm test`: every bench/fuzz target for a few hundred inputs from a fixed
// seed (so a failure replays), 0 crashes expected. The long runs are `npm run fuzz -- --inputs N`.
// The checker is checked too: a target whose code under test throws is reported with a shrunk
// counterexample written to a file that replays it.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import fc from "fast-check";
import { runTarget } from "../../bench/fuzz/runner.ts";
import { FuzzCrash, type FuzzTarget } from "../../bench/fuzz/target.ts";
import { TARGETS } from "../../bench/fuzz/targets/index.ts";

const out = mkdtempSync(join(tmpdir(), "dgrid-fuzz-test-"));
after(() => rmSync(out, { recursive: true, force: true }));

// inputs per target: the model target starts onnxruntime sessions (tens per second on this machine)
const INPUTS: Record<string, number> = { tx: 600, rpc: 600, p2p: 800, "vote-extension": 800, tensor: 2000, model: 40 };

describe("fuzz smoke (bench/fuzz)", { timeout: 120_000 }, () => {
  for (const target of TARGETS) {
    it(`${target.name}: ${INPUTS[target.name] ?? 300} inputs, no crash`, async () => {
      const r = await runTarget(target, { inputs: INPUTS[target.name] ?? 300, seed: 20261207, outDir: out });
      assert.equal(r.crashes, 0, `${r.crash?.error}\n${r.crash?.file ? readFileSync(r.crash.file, "utf8") : ""}`);
      assert.equal(r.inputs, INPUTS[target.name] ?? 300);
    });
  }

  it("reports a crash with its seed, replay path and a shrunk counterexample file", async () => {
    // a target whose "code under test" fails on any byte above 200 in an input of at least 3 bytes
    const broken: FuzzTarget<Uint8Array> = {
      name: "broken",
      description: "test double",
      arbitrary: () => fc.uint8Array({ maxLength: 16 }),
      open: async () => ({
        run: async (b) => {
          if (b.length >= 3 && b.some((x) => x > 200)) throw new FuzzCrash("byte over 200");
        },
        stats: () => ({}),
        close: async () => {},
      }),
      toJson: (b) => [...b],
    };
    const r = await runTarget(broken, { inputs: 2000, seed: 7, outDir: out });
    assert.equal(r.crashes, 1);
    assert.ok(r.crash?.file);
    const file = JSON.parse(readFileSync(r.crash.file, "utf8"));
    assert.match(file.error, /byte over 200/);
    assert.equal(file.input.length, 3, "shrunk to the smallest failing length");
    assert.equal(file.input.filter((x: number) => x > 200).length, 1);
    // the seed and path replay exactly that input
    const replay = await runTarget(broken, { inputs: 1, seed: file.seed, path: file.path, outDir: out });
    assert.equal(replay.crashes, 1);
  });
});
