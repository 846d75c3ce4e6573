// One simulation run from a seed (SDK simulation.SimulateFromSeed): a random genesis, then per block
// a random set of operations of every module signed as txs (valid and invalid ones), random block
// times, validators that go down for a while (downtime) and now and then double-sign evidence; the
// modules' invariants and the simulation's own after every block; the replica node's app hash
// compared at every height (determinism); at the end the export -> import round trip.

import { toHex } from "../../chain/types/bytes.ts";
import { randomAccount, type SimAccount, signTx } from "./accounts.ts";
import { SimChain } from "./chain.ts";
import { type ExportImportResult, exportImport } from "./export-import.ts";
import { randomGenesis } from "./genesis.ts";
import { ChainInvariants } from "./invariants.ts";
import { allOperations } from "./ops/index.ts";
import type { OpEnv } from "./ops/types.ts";
import { StateView } from "./ops/view.ts";
import { Rng } from "./rng.ts";

export interface SimOptions {
  seed: number;
  blocks: number;
  /** most txs in a block (default 12) */
  maxTxs?: number;
  /**
   * check the invariants every N blocks and at the last one (default 1: every block). SDK simulation's
   * invariant period: the module invariants are full scans of their stores, so their cost grows with
   * the state; a long run may space them out. The determinism check still runs at every height.
   */
  invariantsEvery?: number;
  /** run the replica node and compare app hashes at every height (default true) */
  determinism?: boolean;
  /** export, import into a fresh app and compare (default true) */
  exportImport?: boolean;
  /** progress lines (e.g. every 500 blocks) */
  onProgress?: (line: string) => void;
  progressEvery?: number;
}

export interface OpTally {
  ok: number;
  failed: number;
  /** failures of txs planned as valid (not corrupted): a sample of their logs */
  unexpected: number;
  samples: string[];
}

export interface SimResult {
  seed: number;
  blocks: number;
  txs: number;
  ops: Record<string, OpTally>;
  invariantChecks: number;
  /** the invariants' period in blocks (1 = every block) */
  invariantsEvery: number;
  invariantRoutes: string[];
  elapsedMs: number;
  appHash: string;
  determinism: "pass" | "off";
  exportImport?: ExportImportResult;
  /** validators jailed / double-sign evidence submitted / requests settled (for the report) */
  events: Record<string, number>;
  /** wall time by phase over the whole run: planning the ops, the ABCI++ calls of both nodes, the invariants */
  phaseMs: PhaseTimes;
}

export interface PhaseTimes {
  plan: number;
  blocks: number;
  invariants: number;
}

const ms = (t0: number) => performance.now() - t0;
const perBlock = (t: PhaseTimes, n: number) =>
  `plan ${(t.plan / n).toFixed(0)} + blocks ${(t.blocks / n).toFixed(0)} + invariants ${(t.invariants / n).toFixed(0)} ms/block`;

/** Thrown with everything needed to reproduce: seed, height, and the last operations. */
export class SimulationError extends Error {
  constructor(
    readonly seed: number,
    readonly height: number,
    reason: string,
    readonly opLog: string[],
  ) {
    super(`simulation failed: seed ${seed}, height ${height}: ${reason}\nlast operations:\n  ${opLog.join("\n  ")}`);
  }
}

const CHAIN_ID = "dgrid-sim";
const GENESIS_TIME_MS = 1_700_000_000_000;
const COUNTED_EVENTS = [
  "slash",
  "liveness",
  "executors_assigned",
  "output_committed",
  "output_revealed",
  "request_finalized",
  "request_failed",
  "request_refunded",
  "complete_unbonding",
  "active_proposal",
];

type Corruption = "signature" | "sequence" | "chain-id" | "fee" | undefined;

export async function simulate(o: SimOptions): Promise<SimResult> {
  const start = performance.now();
  const every = o.invariantsEvery ?? 1;
  if (!Number.isSafeInteger(every) || every < 1)
    throw new Error(`invariantsEvery must be a positive integer, got ${every}`);
  const rng = new Rng(o.seed);
  const chain = new SimChain({ chainId: CHAIN_ID, replica: o.determinism ?? true }, rng.fork());
  const opLog: string[] = [];
  const log = (line: string) => {
    opLog.push(line);
    if (opLog.length > 300) opLog.shift();
  };
  try {
    const gen = await randomGenesis(rng.fork(), CHAIN_ID, chain.primary.app.modules);
    for (const v of gen.validators) chain.addKey(v.key);
    await chain.init(gen.appState, GENESIS_TIME_MS);
    const accounts: SimAccount[] = [...gen.accounts];
    const byAddress = new Map(accounts.map((a) => [a.address, a]));
    const byValoper = new Map(accounts.map((a) => [a.valoper, a]));
    const ops = allOperations();
    const weights = ops.map((op) => op.weight);
    const tally: Record<string, OpTally> = Object.fromEntries(
      ops.map((op) => [op.name, { ok: 0, failed: 0, unexpected: 0, samples: [] }]),
    );
    const events: Record<string, number> = {};
    const invariants = new ChainInvariants();
    const down = new Map<string, number>(); // consensus address -> height it comes back up
    let txCount = 0;
    let checks = 0;
    let timeMs = GENESIS_TIME_MS;
    const phaseMs: PhaseTimes = { plan: 0, blocks: 0, invariants: 0 };
    let window: PhaseTimes = { ...phaseMs };
    for (let b = 0; b < o.blocks; b++) {
      const height = chain.height + 1;
      let t0 = performance.now();
      const ctx = chain.queryContext();
      const used = new Set<string>();
      const env: OpEnv = {
        rng,
        ctx,
        view: new StateView(chain.primary.app, ctx),
        app: chain.primary.app,
        chain,
        accounts,
        byAddress,
        byValoper,
        used,
        async freeAccount() {
          for (let i = 0; i < 8; i++) {
            const a = rng.pick(accounts);
            if (used.has(a.address)) continue;
            if (await chain.primary.app.accountKeeper.hasAccount(ctx, a.address)) return a;
          }
          return undefined;
        },
        newAccount() {
          const a = randomAccount(rng);
          accounts.push(a);
          byAddress.set(a.address, a);
          byValoper.set(a.valoper, a);
          return a;
        },
      };
      const planned: { op: string; tx: Uint8Array; valid: boolean; what: string }[] = [];
      const n = rng.range(0, o.maxTxs ?? 12);
      for (let i = 0; i < n; i++) {
        const op = ops[rng.weighted(weights)];
        const p = await op.plan(env);
        if (!p) continue;
        used.add(p.signer.address);
        const acc = await chain.primary.app.accountKeeper.getAccount(ctx, p.signer.address);
        const r = rng.int(100);
        const corruption: Corruption =
          r < 2 ? "signature" : r < 4 ? "sequence" : r < 5 ? "chain-id" : r < 6 ? "fee" : undefined;
        const tx = signTx(p.signer, p.msgs, {
          chainId: corruption === "chain-id" ? "other-chain" : CHAIN_ID,
          accountNumber: acc?.accountNumber ?? 0n,
          sequence: (acc?.sequence ?? 0n) + (corruption === "sequence" ? 1n : 0n),
          feeAmount: corruption === "fee" ? 10n ** 15n : BigInt(rng.range(0, 5000)),
          gasLimit: 2_000_000n,
          granter: p.granter,
          corruptSignature: corruption === "signature",
        });
        planned.push({
          op: op.name,
          tx,
          valid: !p.invalid && corruption === undefined && acc !== undefined,
          what: `${op.name} by ${p.signer.address.slice(-8)}${p.invalid ? " (invalid)" : ""}${corruption ? ` (${corruption})` : ""}`,
        });
      }
      // downtime: validators go down for a while, keeping more than 2/3 of the power up (as CometBFT needs)
      const set = chain.validatorSet();
      for (const [a, until] of down) if (until <= height) down.delete(a);
      if (rng.chance(0.02) && set.size > 0) down.set(rng.pick([...set.keys()].sort()), height + rng.range(5, 80));
      const total = [...set.values()].reduce((s, p) => s + p, 0n);
      const downNow = new Set([...down.keys()].filter((a) => set.has(a)).sort());
      let downPower = [...downNow].reduce((s, a) => s + (set.get(a) ?? 0n), 0n);
      for (const a of [...downNow]) {
        if ((total - downPower) * 3n > total * 2n) break;
        downNow.delete(a);
        down.delete(a);
        downPower -= set.get(a) ?? 0n;
      }
      // a misbehaving executor now and then (its outputs disagree, or it stays silent)
      for (const addr of set.keys()) {
        const v = chain.keys.get(addr);
        if (v && rng.chance(0.01)) v.executor.behaviour = rng.pick(["honest", "honest", "corrupt", "silent"] as const);
      }
      const doubleSigners = rng.chance(0.004) && set.size > 3 ? [rng.pick([...set.keys()].sort())] : [];
      timeMs += rng.chance(0.02) ? rng.range(60, 3600) * 1000 : rng.range(1, 10) * 1000;
      let out: Awaited<ReturnType<SimChain["block"]>>;
      phaseMs.plan += ms(t0);
      t0 = performance.now();
      try {
        out = await chain.block({ txs: planned.map((p) => p.tx), timeMs, down: downNow, doubleSigners });
      } catch (e) {
        throw new SimulationError(o.seed, height, e instanceof Error ? e.message : String(e), opLog);
      }
      const byTx = new Map(planned.map((p) => [p.tx, p]));
      out.txs.forEach((tx, i) => {
        const p = byTx.get(tx);
        if (!p) return; // the injected extended commit
        const res = out.response.txResults[i];
        const t = tally[p.op];
        txCount++;
        if (res.code === 0) t.ok++;
        else {
          t.failed++;
          if (p.valid) {
            t.unexpected++;
            const sample = `${res.codespace}:${res.code} ${res.log.slice(0, 160)}`;
            if (t.samples.length < 4 && !t.samples.includes(sample)) t.samples.push(sample);
          }
        }
        log(
          `h=${height} ${p.what}: ${res.code === 0 ? "ok" : `${res.codespace}:${res.code} ${res.log.slice(0, 120)}`}`,
        );
      });
      for (const tx of planned) if (!out.txs.includes(tx.tx)) log(`h=${height} ${tx.what}: dropped from the proposal`);
      if (doubleSigners.length > 0) log(`h=${height} double-sign evidence against ${doubleSigners[0]}`);
      for (const e of [...out.response.events, ...out.response.txResults.flatMap((r) => r.events)])
        if (COUNTED_EVENTS.includes(e.type)) events[e.type] = (events[e.type] ?? 0) + 1;
      await chain.idle();
      phaseMs.blocks += ms(t0);
      t0 = performance.now();
      if (height % every === 0 || b === o.blocks - 1) {
        const broken = [...(await chain.primary.app.checkInvariants()), ...(await invariants.check(chain))];
        checks++;
        if (broken.length > 0)
          throw new SimulationError(o.seed, height, `invariant broken:\n${broken.join("\n")}`, opLog);
      }
      phaseMs.invariants += ms(t0);
      if (o.onProgress && o.progressEvery && height % o.progressEvery === 0) {
        const last = {
          plan: phaseMs.plan - window.plan,
          blocks: phaseMs.blocks - window.blocks,
          invariants: phaseMs.invariants - window.invariants,
        };
        window = { ...phaseMs };
        o.onProgress(
          `seed ${o.seed}: height ${height}, ${txCount} txs, ${((performance.now() - start) / 1000).toFixed(1)} s; last ${o.progressEvery}: ${perBlock(last, o.progressEvery)}`,
        );
      }
    }
    let exportResult: ExportImportResult | undefined;
    if (o.exportImport ?? true) {
      exportResult = await exportImport(chain, { chainId: CHAIN_ID });
      if (!exportResult.pass)
        throw new SimulationError(
          o.seed,
          chain.height,
          `export/import mismatch:\n${exportResult.diffs.join("\n")}`,
          opLog,
        );
    }
    return {
      seed: o.seed,
      blocks: chain.height,
      txs: txCount,
      ops: tally,
      invariantChecks: checks,
      invariantsEvery: every,
      invariantRoutes: [...chain.primary.app.invariantRoutes(), "sim/consensus-set", "sim/no-minting"],
      elapsedMs: performance.now() - start,
      appHash: toHex(chain.primary.app.store.lastCommitId().hash).toUpperCase(),
      determinism: o.determinism === false ? "off" : "pass",
      exportImport: exportResult,
      events,
      phaseMs,
    };
  } catch (e) {
    if (e instanceof SimulationError) throw e;
    throw new SimulationError(o.seed, chain.height, e instanceof Error ? (e.stack ?? e.message) : String(e), opLog);
  } finally {
    await chain.close();
  }
}
