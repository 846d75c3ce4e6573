// The faults a chaos round applies to a running localnet, drawn from the seeded PRNG: kill -9 and
// restart, SIGSTOP then SIGCONT, a graceful restart (SIGTERM), and a network partition (each node's
// blocked-peers file, read by test/support/file-peer-gate.ts, lists the peers across the cut).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestLocalnet } from "../../test/support/localnet.ts";
import type { Prng } from "./prng.ts";

export const FAULT_KINDS = ["kill9", "sigstop", "restart", "partition"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  /** the nodes hit (kill9, sigstop, restart: one; partition: one side of the cut) */
  nodes: number[];
  /** how long the fault holds before it heals, ms */
  holdMs: number;
}

/** The blocked-peers file of node `i` (passed to its process as --blocked-peers-file). */
export const blockedPeersFile = (net: { dir: string }, i: number) => join(net.dir, `blocked-peers-${i}`);

/** One fault, drawn from `rng`: the kind, its targets and its duration. */
export function drawFault(rng: Prng, validators: number): Fault {
  const kind = rng.pick(FAULT_KINDS);
  switch (kind) {
    case "kill9":
      return { kind, nodes: [rng.int(0, validators - 1)], holdMs: rng.int(500, 4000) };
    case "sigstop":
      return { kind, nodes: [rng.int(0, validators - 1)], holdMs: rng.int(1000, 6000) };
    case "restart":
      return { kind, nodes: [rng.int(0, validators - 1)], holdMs: rng.int(0, 2000) };
    case "partition": {
      // one node cut off (the rest keeps a quorum), or an even split (no side has +2/3: the chain halts until healed)
      const size = rng.next() < 0.5 ? 1 : Math.floor(validators / 2);
      return {
        kind,
        nodes: rng
          .shuffle([...Array(validators).keys()])
          .slice(0, size)
          .sort((a, b) => a - b),
        holdMs: rng.int(2000, 8000),
      };
    }
  }
}

export function describeFault(f: Fault): string {
  const on = f.kind === "partition" ? `{${f.nodes.join(",")}} | rest` : `node ${f.nodes[0]}`;
  return `${f.kind} ${on} for ${f.holdMs} ms`;
}

/** Writes every node's blocked-peers file for a cut between `side` and the other nodes ([] heals). */
export function writePartition(net: TestLocalnet, side: number[]): void {
  const inSide = new Set(side);
  net.nodes.forEach((_, i) => {
    const across = side.length === 0 ? [] : net.nodes.filter((_, j) => inSide.has(j) !== inSide.has(i));
    writeFileSync(blockedPeersFile(net, i), across.map((n) => `${n.nodeId}\n`).join(""));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Applies `f`, holds it, and heals it (the node restarted, continued or reconnected). Returns what
 * went wrong with the fault itself: an even partition (no side has +2/3) must halt the chain, so a
 * chain that advances during one means the partition did not hold.
 */
export async function applyFault(net: TestLocalnet, f: Fault, topHeight: () => Promise<number>): Promise<string[]> {
  const i = f.nodes[0];
  switch (f.kind) {
    case "kill9":
      await net.stop(i, "SIGKILL");
      await sleep(f.holdMs);
      net.start(i);
      return [];
    case "sigstop": {
      const child = net.nodes[i].process;
      child?.kill("SIGSTOP");
      try {
        await sleep(f.holdMs);
      } finally {
        child?.kill("SIGCONT");
      }
      return [];
    }
    case "restart":
      await net.stop(i, "SIGTERM");
      await sleep(f.holdMs);
      net.start(i);
      return [];
    case "partition": {
      const even = f.nodes.length * 2 === net.nodes.length;
      writePartition(net, f.nodes);
      try {
        // the height a block in flight when the cut came could still reach, then the end of the hold
        await sleep(f.holdMs / 2);
        const h1 = await topHeight();
        await sleep(f.holdMs / 2);
        const h2 = await topHeight();
        return even && h2 > h1 + 1 ? [`the chain advanced from ${h1} to ${h2} during an even partition`] : [];
      } finally {
        writePartition(net, []);
      }
    }
  }
}
