// One chaos run: a localnet of `validators` `dgrid` node processes (each with a blocked-peers file for
// partitions), client load, and `rounds` rounds of one seeded fault each; after every round, once the
// network healed and made progress, the chain and state checks. Used by main.ts (`npm run chaos`) and
// the smoke test (test/e2e/chaos-smoke.test.ts).
import type { LocalnetGenesisParams } from "../../app/localnet.ts";
import { createTestLocalnet, isRunning, type TestLocalnet, waitAllHeight } from "../../test/support/localnet.ts";
import { latestHeight } from "../../test/support/node-process.ts";
import { ChainChecker } from "./chain-checks.ts";
import { applyFault, blockedPeersFile, describeFault, drawFault, FAULT_KINDS, type FaultKind } from "./faults.ts";
import { ClientLoad, type LoadStats } from "./load.ts";
import { Prng } from "./prng.ts";
import { StateChecker } from "./state-checks.ts";

export interface ChaosOptions {
  rounds: number;
  seed: number;
  validators: number;
  /** how long the network gets to heal and make progress after a fault before that is a violation */
  healTimeoutMs?: number;
  /** blocks every node must add after a fault is healed */
  progressBlocks?: number;
  /** client load on (default true) */
  load?: boolean;
}

export interface Violation {
  seed: number;
  round: number;
  fault: string;
  message: string;
}

export interface ChaosReport {
  seed: number;
  rounds: number;
  faults: Record<FaultKind, number>;
  blocks: number;
  txs: number;
  load: LoadStats;
  violations: Violation[];
  seconds: number;
}

/**
 * Downtime jailing is not under test: a node stopped or starved of CPU on a busy machine must not be
 * jailed (a jailed validator would leave 3 of 4, and one more fault would halt the chain).
 */
const CHAOS_PARAMS: LocalnetGenesisParams = {
  slashing: { signed_blocks_window: "10000", min_signed_per_window: "0.010000000000000000" },
};

export async function runChaos(options: ChaosOptions, deps: { log: (line: string) => void }): Promise<ChaosReport> {
  const t0 = Date.now();
  const { rounds, seed, validators } = options;
  const healTimeoutMs = options.healTimeoutMs ?? 180_000;
  const progress = options.progressBlocks ?? 3;
  const log = deps.log;
  const faultRng = new Prng(seed);
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const violations: Violation[] = [];
  let net: TestLocalnet | undefined;
  net = await createTestLocalnet({
    validators,
    timeoutCommitMs: 500,
    params: CHAOS_PARAMS,
    faults: (i) => ({ blockedPeersFile: blockedPeersFile(net!, i) }),
  });
  const nodes = net.nodes;
  const urls = nodes.map((n) => n.rpcUrl);
  const load = new ClientLoad({ rpcUrls: urls }, { rng: new Prng(seed ^ 0x5eed) });
  let state: StateChecker | undefined;
  try {
    for (let i = 0; i < nodes.length; i++) net.start(i);
    // a busy 2-core machine has taken minutes to start four nodes (tsx, onnxruntime, golden checks)
    await waitAllHeight(nodes, 2, Math.max(600_000, healTimeoutMs));
    log(
      `localnet of ${validators} validators at height 2 after ${((Date.now() - t0) / 1000).toFixed(1)} s (${net.dir})`,
    );
    const chain = new ChainChecker({ chainId: net.chainId, rpcUrls: urls });
    state = await StateChecker.connect(urls[0]);
    if (options.load !== false) await load.start();

    for (let round = 1; round <= rounds; round++) {
      const fault = drawFault(faultRng, validators);
      const what = describeFault(fault);
      const violate = (message: string) => {
        violations.push({ seed, round, fault: what, message });
        log(`VIOLATION seed ${seed} round ${round} (${what}): ${message}`);
      };
      faults[fault.kind]++;
      const r0 = Date.now();
      const topHeight = async () => Math.max(...(await Promise.all(urls.map((u) => latestHeight(u).catch(() => 0)))));
      for (const m of await applyFault(net, fault, topHeight)) violate(m);
      // crashed nodes (exited on their own) are a violation; they are restarted so the run goes on
      for (const [i, n] of nodes.entries())
        if (n.process && !isRunning(n)) {
          violate(
            `node${i} exited (code ${n.process.exitCode}, signal ${n.process.signalCode}):\n${n.logs.join("").slice(-2000)}`,
          );
          net.start(i);
        }
      const top = await topHeight();
      try {
        await waitAllHeight(nodes, top + progress, healTimeoutMs);
      } catch (e) {
        violate(
          `no progress to height ${top + progress} within ${healTimeoutMs} ms after healing: ${(e as Error).message.slice(0, 2000)}`,
        );
        for (const [i, n] of nodes.entries()) if (!isRunning(n)) net.start(i);
        continue;
      }
      const upTo = Math.min(...(await Promise.all(urls.map((u) => latestHeight(u)))));
      for (const m of await chain.check(upTo)) violate(m);
      for (const m of await state.check(upTo)) violate(m);
      log(
        `round ${round}/${rounds}: ${what}; healed and checked to height ${upTo} in ${((Date.now() - r0) / 1000).toFixed(1)} s; ` +
          `txs ${chain.view.txs}, client sends ${load.stats.sends} requests ${load.stats.requests} errors ${load.stats.errors}`,
      );
    }
    await load.stop();
    const top = Math.min(...(await Promise.all(urls.map((u) => latestHeight(u)))));
    for (const m of await chain.check(top)) violations.push({ seed, round: rounds, fault: "final", message: m });
    for (const m of await chain.check(top, true))
      violations.push({ seed, round: rounds, fault: "final recheck", message: m });
    return {
      seed,
      rounds,
      faults,
      blocks: chain.view.blocks.size,
      txs: chain.view.txs,
      load: load.stats,
      violations,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await load.stop();
    state?.disconnect();
    // a node left stopped cannot take SIGTERM
    for (const n of nodes) n.process?.kill("SIGCONT");
    await net.cleanup();
  }
}
