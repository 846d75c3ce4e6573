// The chaos suite's pure parts (bench/chaos): the seeded schedule replays from its seed, the
// partition files cut exactly across the chosen sides, LegacyDec atoms, and the file-read peer gate
// that the partitions go through.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import pino from "pino";
import { describeFault, drawFault, writePartition } from "../../bench/chaos/faults.ts";
import { Prng } from "../../bench/chaos/prng.ts";
import { decAtoms } from "../../bench/chaos/state-checks.ts";
import { FilePeerGate, parseBlockedPeers } from "../support/file-peer-gate.ts";
import type { TestLocalnet } from "../support/localnet.ts";

describe("chaos suite parts", () => {
  it("the same seed draws the same faults; seed 9 starts with kill -9 then an even partition (the smoke test's)", () => {
    const draw = (seed: number) => {
      const rng = new Prng(seed);
      return Array.from({ length: 50 }, () => describeFault(drawFault(rng, 4)));
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
    const rng = new Prng(9);
    const [a, b] = [drawFault(rng, 4), drawFault(rng, 4)];
    assert.equal(a.kind, "kill9");
    assert.deepEqual([b.kind, b.nodes.length], ["partition", 2]);
    const kinds = new Set(draw(1).map((d) => d.split(" ")[0]));
    assert.deepEqual([...kinds].sort(), ["kill9", "partition", "restart", "sigstop"]);
  });

  it("a partition file lists exactly the peers across the cut; healing empties them", () => {
    const dir = mkdtempSync(join(tmpdir(), "chaos-"));
    try {
      const nodes = ["a", "b", "c", "d"].map((id) => ({ nodeId: id }));
      const net = { dir, nodes } as unknown as TestLocalnet;
      writePartition(net, [1, 3]);
      const read = (i: number) => [...parseBlockedPeers(readFileSync(join(dir, `blocked-peers-${i}`), "utf8"))].sort();
      assert.deepEqual(
        [read(0), read(1), read(2), read(3)],
        [
          ["b", "d"],
          ["a", "c"],
          ["b", "d"],
          ["a", "c"],
        ],
      );
      writePartition(net, []);
      assert.deepEqual([read(0), read(1), read(2), read(3)], [[], [], [], []]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("LegacyDec atoms from the protobuf form and the decimal form", () => {
    assert.equal(decAtoms("1000000000000000000000"), 1000n * 10n ** 18n);
    assert.equal(decAtoms("1000.000000000000000000"), 1000n * 10n ** 18n);
    assert.equal(decAtoms("0.5"), 5n * 10n ** 17n);
  });

  it("FilePeerGate follows its file and tells the switch when it changes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gate-"));
    const path = join(dir, "blocked");
    const gate = new FilePeerGate({ path, pollMs: 20 }, { logger: pino({ level: "silent" }) });
    try {
      let changes = 0;
      gate.subscribe(() => changes++);
      assert.ok(gate.allows("ABCDEF"), "no file: all allowed");
      writeFileSync(path, "# cut\nabcdef\n");
      const until = async (cond: () => boolean) => {
        const deadline = Date.now() + 5000;
        while (!cond()) {
          assert.ok(Date.now() < deadline, "gate did not follow its file");
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until(() => !gate.allows("ABCDEF"));
      assert.equal(changes, 1);
      assert.ok(gate.allows("012345"));
      writeFileSync(path, "");
      await until(() => gate.allows("abcdef"));
      assert.equal(changes, 2);
    } finally {
      gate.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
