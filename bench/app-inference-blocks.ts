// Benchmark (not a test): the node's CPU per inference request against a MsgSend's, in one process,
// without HTTP, sockets or consensus timing (issue 16, item 3). One devnet validator (app/devnet.ts
// genesis: the demo MLP, k = 1) is driven height by height through the ABCI++ calls its node makes:
// CheckTx through the Mempool (as RPC does), PrepareProposal (which injects the previous height's
// extended commit), ProcessProposal, ExtendVote with the node's real InferenceDuties and the
// extension's ed25519 signature, VerifyVoteExtension (as every other validator does), FinalizeBlock,
// the block store's encoding of the response, Commit + mempool update, tx indexing. The executor is a
// stand-in (zeros of the output shape, no onnxruntime): what is measured is the chain's cost per
// inference, not the inference.
//
// Three streams, each on a fresh app and LevelDB: `send` (MsgSends), `single` (single-input
// MsgRequestInference) and `batch` (requests of `--items` inputs each), `--txs` txs per block for
// `--blocks` blocks, then empty blocks until every request has settled. CPU (process.cpuUsage, all
// threads) is counted from the first CheckTx to the last settlement and divided by the txs (and, for
// batches, the items). Prints per stream the CPU per tx and per phase, and the ratios to MsgSend.
//
//   npm run bench:app-inference -- [--txs 500] [--blocks 6] [--items 64] [--batch-txs 20] [--runs 3]
//     [--warmup 1] [--streams send,single,batch]
// `--warmup N` first runs every stream N times unmeasured: a node runs for days, and the first run
// of a stream is mostly V8 compiling its code (a MsgSend costs about twice as much in it).
// `--cpu-prof DIR` writes DIR/<stream>-<run>.cpuprofile: a V8 profile of the main thread over the
// measured blocks only (not signing or genesis; sigVerifyWorkers is 0, so signature checks are in it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ClassicLevel } from "classic-level";
import {
  type ExtendedCommitInfo,
  ResponseProcessProposal_ProposalStatus,
  ResponseVerifyVoteExtension_VerifyStatus,
} from "cosmjs-types/tendermint/abci/types";
import { SignedMsgType } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import pino from "pino";
import { DGridApp } from "../app/app.ts";
import { buildDevnetGenesis, devnetValidatorKey } from "../app/devnet.ts";
import { Mempool } from "../chain/mempool/mempool.ts";
import { namedFromTensors } from "../chain/tensor/canonical.ts";
import { TxIndexer } from "../chain/txindex/tx-indexer.ts";
import { encodeFinalizeBlockResponse } from "../chain/types/encoding.ts";
import type { GenesisDoc } from "../chain/types/genesis.ts";
import { voteExtensionSignBytes } from "../chain/types/vote.ts";
import { DEMO_PRICE, demoModel } from "../models/demo.ts";
import { MsgRequestInference } from "../proto/gen/dgrid/inference/v1/tx.ts";
import { initChainRequest } from "../test/support/init-chain.ts";
import { InferenceDuties } from "../validator/duties.ts";
import type { InferenceExecutor, InferenceJob, Tensor } from "../validator/executor/types.ts";
import { type BenchAccount, makeAccounts, signSend, signTx } from "./presign.ts";
import { median } from "./stats.ts";

const { values: flags } = parseArgs({
  options: {
    txs: { type: "string", default: "500" }, // single-input requests / MsgSends per block
    blocks: { type: "string", default: "6" },
    items: { type: "string", default: "64" }, // inputs per batched request
    "batch-txs": { type: "string", default: "20" }, // batched requests per block
    runs: { type: "string", default: "3" },
    warmup: { type: "string", default: "1" },
    streams: { type: "string", default: "send,single,batch" },
    "cpu-prof": { type: "string" }, // a directory: a V8 profile of each stream's measured blocks
  },
});
const TXS = Number(flags.txs);
const BLOCKS = Number(flags.blocks);
const ITEMS = Number(flags.items);
const BATCH_TXS = Number(flags["batch-txs"]);
const RUNS = Number(flags.runs);
const WARMUP = Number(flags.warmup);
const CHAIN_ID = "dgrid-bench-inference";
const DENOM = "udgrid";
const MODEL = demoModel("dgrid1placeholder"); // only its id and specs are read here
const PHASES = ["checkTx", "prepare", "process", "extend", "verifyExt", "finalize", "commit", "index"] as const;
type Phase = (typeof PHASES)[number];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Zeros of the demo MLP's output shape ([rows, 4] float32): the chain's work without the model's. */
class ZeroExecutor implements InferenceExecutor {
  readonly provider = "cpu";
  run(job: InferenceJob): Promise<Record<string, Tensor>> {
    const rows = job.inputs.input.shape[0];
    return Promise.resolve({ output: { dtype: "float32", shape: [rows, 4], data: new Uint8Array(rows * 16) } });
  }
  async close(): Promise<void> {}
}

/** a [1, 16] float32 input that differs per request */
function input(i: number): Tensor {
  const v = Float32Array.from({ length: 16 }, (_, j) => ((i * 31 + j * 7) % 997) / 997);
  return { dtype: "float32", shape: [1, 16], data: new Uint8Array(v.buffer) };
}

type Stream = "send" | "single" | "batch";

/** V8's sampling profiler through the inspector, around the measured blocks only. */
class Profiler {
  private readonly session = new Session();
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.session.connect();
  }
  private post(method: string): Promise<any> {
    return new Promise((res, rej) => this.session.post(method, (e, r) => (e ? rej(e) : res(r))));
  }
  async start(): Promise<void> {
    await this.post("Profiler.enable");
    await this.post("Profiler.start");
  }
  async stop(name: string): Promise<void> {
    const { profile } = await this.post("Profiler.stop");
    writeFileSync(join(this.dir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
}

function signBlocks(stream: Stream, accounts: BenchAccount[]): Uint8Array[][] {
  const perBlock = stream === "batch" ? BATCH_TXS : TXS;
  const price = BigInt(DEMO_PRICE.replace(DENOM, ""));
  const items = stream === "batch" ? ITEMS : 1;
  const params = {
    chainId: CHAIN_ID,
    denom: DENOM,
    feeAmount: stream === "batch" ? "20000" : "2000",
    gasLimit: stream === "batch" ? 8_000_000n : 800_000n,
  };
  return Array.from({ length: BLOCKS }, (_, b) =>
    accounts.slice(0, perBlock).map((a, i) => {
      if (stream === "send") return signSend(a, accounts[(i + 1) % perBlock].address, BigInt(b), params).bytes;
      const n = b * perBlock + i;
      const msg = MsgRequestInference.fromPartial({
        requester: a.address,
        modelId: MODEL.id,
        maxFee: { denom: DENOM, amount: String(price * BigInt(items)) },
        redundancy: 0,
        ...(stream === "single"
          ? { inputs: namedFromTensors({ input: input(n) }) }
          : {
              items: Array.from({ length: ITEMS }, (_, k) => ({
                inputs: namedFromTensors({ input: input(n * ITEMS + k) }),
              })),
            }),
      });
      const any = {
        typeUrl: "/dgrid.inference.v1.MsgRequestInference",
        value: MsgRequestInference.encode(msg).finish(),
      };
      return signTx(a, [any], BigInt(b), params).bytes;
    }),
  );
}

interface StreamResult {
  cpuPerTx: number;
  perPhase: Record<Phase, number>; // CPU ms per tx
  heights: number;
  settled: number;
}

async function runStream(
  stream: Stream,
  genesis: GenesisDoc,
  accounts: BenchAccount[],
  signed: Uint8Array[][],
  run: number,
  profiler?: Profiler,
): Promise<StreamResult> {
  const dir = mkdtempSync(join(tmpdir(), "dgrid-app-inference-bench-"));
  const db = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, "db"), { keyEncoding: "view", valueEncoding: "view" });
  const sub = (name: string) =>
    db.sublevel<Uint8Array, Uint8Array>(name, { keyEncoding: "view", valueEncoding: "view" });
  const logger = pino({ level: "warn" });
  const key = devnetValidatorKey();
  const duties = new InferenceDuties(
    { consAddress: key.address },
    { executor: new ZeroExecutor(), logger: pino({ level: "silent" }) },
  );
  const app = new DGridApp(
    { chainId: CHAIN_ID, minGasPrices: "0.0025udgrid", sigVerifyWorkers: 0 },
    { db: sub("state"), logger, inferenceDuties: duties },
  );
  const perBlock = signed[0].length;
  const mempool = new Mempool({ maxTxs: perBlock * 2, cacheSize: perBlock * BLOCKS * 2 }, { app, logger });
  const indexer = new TxIndexer({}, { db: sub("txindex") });
  try {
    const appState = structuredClone(genesis.app_state) as Record<string, any>;
    const first = appState.auth.accounts.length;
    appState.auth.accounts.push(
      ...accounts.map((a) => ({
        "@type": "/cosmos.auth.v1beta1.BaseAccount",
        address: a.address,
        pub_key: null,
        account_number: a.accountNumber.toString(),
        sequence: "0",
      })),
    );
    if (accounts[0].accountNumber !== BigInt(first)) throw new Error("bench account numbers must follow genesis's");
    const funds = 1_000_000_000_000n;
    appState.bank.balances.push(
      ...accounts.map((a) => ({ address: a.address, coins: [{ denom: DENOM, amount: String(funds) }] })),
    );
    appState.bank.balances.sort((x: any, y: any) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
    const supply = appState.bank.supply.find((c: any) => c.denom === DENOM);
    supply.amount = (BigInt(supply.amount) + funds * BigInt(accounts.length)).toString();
    await app.initChain(initChainRequest(CHAIN_ID, appState));
    // the validator's power, as FinalizeBlock's last commit lists it
    const power = 1_000n;
    // vote extensions start at height 2 (devnet consensus params): height 1 is the warm-up
    const totals: Record<Phase, number> = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
    let extCommit: ExtendedCommitInfo | undefined;
    let settled = 0;
    let pending = 0;
    let h = 0;
    let txsSent = 0;
    await profiler?.start();
    for (let b = 0; b < BLOCKS || pending > 0; b++) {
      if (b > BLOCKS + 40) throw new Error(`${pending} requests still pending 40 blocks after the stream`);
      h++;
      const time = { seconds: 1_700_000_000n + BigInt(h), nanos: 0 };
      const mark = (p: Phase, t0: number) => {
        totals[p] += cpuMs() - t0;
      };
      let t = cpuMs();
      const blockTxs = b < BLOCKS ? signed[b] : [];
      const checked = await Promise.all(blockTxs.map((tx) => mempool.checkTx(tx)));
      const bad = checked.filter((r) => r.code !== 0);
      if (bad.length > 0) throw new Error(`${stream}: CheckTx rejected ${bad.length}: ${bad[0].log}`);
      txsSent += blockTxs.length;
      const txs = mempool.reapMaxBytesMaxGas(-1, -1);
      mark("checkTx", t);
      const lastCommit = {
        round: 0,
        votes:
          h > 1 ? [{ validator: { address: key.address, power }, blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT }] : [],
      };
      const hash = new Uint8Array(32);
      hash[0] = h & 0xff;
      hash[1] = h >> 8;
      const header = { height: BigInt(h), time, nextValidatorsHash: new Uint8Array(32), proposerAddress: key.address };
      t = cpuMs();
      const prep = await app.prepareProposal({
        maxTxBytes: 100_000_000n,
        txs,
        localLastCommit: extCommit ?? { round: 0, votes: [] },
        misbehavior: [],
        ...header,
      });
      mark("prepare", t);
      t = cpuMs();
      const proposal = { txs: prep.txs, proposedLastCommit: lastCommit, misbehavior: [], hash, ...header };
      const processed = await app.processProposal(proposal);
      if (processed.status !== ResponseProcessProposal_ProposalStatus.ACCEPT)
        throw new Error(`${stream}: height ${h} rejected by ProcessProposal`);
      mark("process", t);
      await duties.idle();
      t = cpuMs();
      const ext = (await app.extendVote(proposal)).voteExtension;
      const extensionSignature = key.sign(
        voteExtensionSignBytes(CHAIN_ID, {
          type: SignedMsgType.SIGNED_MSG_TYPE_PRECOMMIT,
          height: BigInt(h),
          round: 0,
          extension: ext,
        } as Parameters<typeof voteExtensionSignBytes>[1]),
      );
      mark("extend", t);
      t = cpuMs();
      const ok = await app.verifyVoteExtension({
        hash,
        validatorAddress: key.address,
        height: BigInt(h),
        voteExtension: ext,
      });
      if (ok.status !== ResponseVerifyVoteExtension_VerifyStatus.ACCEPT)
        throw new Error(`${stream}: height ${h}: own extension refused`);
      mark("verifyExt", t);
      extCommit = {
        round: 0,
        votes: [
          {
            validator: { address: key.address, power },
            voteExtension: ext,
            extensionSignature,
            blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
          },
        ],
      };
      t = cpuMs();
      const resp = await app.finalizeBlock({
        txs: prep.txs,
        decidedLastCommit: lastCommit,
        misbehavior: [],
        hash,
        ...header,
      });
      const failed = resp.txResults.filter((r) => r.code !== 0);
      if (failed.length > 0) throw new Error(`${stream}: FinalizeBlock failed ${failed.length}: ${failed[0].log}`);
      encodeFinalizeBlockResponse(resp); // the block store saves it
      mark("finalize", t);
      t = cpuMs();
      await mempool.lock();
      try {
        await app.commit({});
        await mempool.update(h, prep.txs, resp.txResults);
      } finally {
        mempool.unlock();
      }
      mark("commit", t);
      t = cpuMs();
      await indexer.indexBlock(h, prep.txs, resp.txResults, resp.events);
      mark("index", t);
      const events = [...resp.events, ...resp.txResults.flatMap((r) => r.events)];
      const created = events.filter((e) => e.type === "request_created").length;
      const done = events.filter((e) => e.type === "request_finalized").length;
      const refunded = events.filter((e) => e.type === "request_refunded").length;
      if (refunded > 0) throw new Error(`${stream}: height ${h}: ${refunded} requests refunded`);
      settled += done;
      pending += created - done;
    }
    await profiler?.stop(`${stream}-${run}`);
    const total = PHASES.reduce((s, p) => s + totals[p], 0);
    if (stream !== "send" && settled !== txsSent) throw new Error(`${stream}: ${settled} of ${txsSent} settled`);
    return {
      cpuPerTx: total / txsSent,
      perPhase: Object.fromEntries(PHASES.map((p) => [p, totals[p] / txsSent])) as Record<Phase, number>,
      heights: h,
      settled,
    };
  } finally {
    await duties.idle();
    await app.sigVerifier.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const streams = (flags.streams ?? "").split(",").filter(Boolean) as Stream[];
  for (const s of streams) if (!["send", "single", "batch"].includes(s)) throw new Error(`unknown stream ${s}`);
  // devnet genesis has 3 accounts (user, creator, operator): bench accounts are numbered after them
  // (built once: its wallets' key derivation costs seconds)
  const genesis = await buildDevnetGenesis({ chainId: CHAIN_ID });
  const genesisAccounts = (genesis.app_state as any).auth.accounts.length;
  const accounts = makeAccounts(Math.max(TXS, BATCH_TXS) + genesisAccounts)
    .slice(0, Math.max(TXS, BATCH_TXS))
    .map((a, i) => ({ ...a, accountNumber: BigInt(genesisAccounts + i) }));
  process.stderr.write(`[app-inference] signing ${streams.join(", ")} streams\n`);
  const signed = Object.fromEntries(streams.map((s) => [s, signBlocks(s, accounts)])) as Record<Stream, Uint8Array[][]>;
  const results: Record<string, StreamResult[]> = {};
  const profiler = flags["cpu-prof"] ? new Profiler(flags["cpu-prof"]) : undefined;
  for (let w = 0; w < WARMUP; w++) {
    for (const s of streams) {
      const res = await runStream(s, genesis, accounts, signed[s], 0);
      process.stderr.write(
        `[app-inference] warm-up ${w + 1} ${s}: ${res.cpuPerTx.toFixed(3)} ms CPU/tx (not counted)\n`,
      );
    }
  }
  for (let r = 0; r < RUNS; r++) {
    for (const s of streams) {
      const res = await runStream(s, genesis, accounts, signed[s], r + 1, profiler);
      (results[s] ??= []).push(res);
      const phases = PHASES.map((p) => `${p} ${res.perPhase[p].toFixed(3)}`).join(", ");
      process.stderr.write(
        `[app-inference] run ${r + 1} ${s}: ${res.cpuPerTx.toFixed(3)} ms CPU/tx over ${res.heights} heights (${phases})\n`,
      );
    }
  }
  const med = (s: Stream) => median(results[s].map((x) => x.cpuPerTx));
  const out: Record<string, unknown> = {};
  for (const s of streams) {
    out[`${s} ms/tx`] = Number(med(s).toFixed(4));
    out[`${s} phases ms/tx`] = Object.fromEntries(
      PHASES.map((p) => [p, Number(median(results[s].map((x) => x.perPhase[p])).toFixed(4))]),
    );
  }
  if (results.batch) out["batch ms/item"] = Number((med("batch") / ITEMS).toFixed(4));
  if (results.send && results.single) {
    // ratio per run (same run, same machine state), then the median
    const ratios = results.single.map((x, i) => x.cpuPerTx / results.send[i].cpuPerTx);
    out["single / send"] = Number(median(ratios).toFixed(2));
    out["target single <= 1.5x send"] = median(ratios) <= 1.5 ? "PASS" : "FAIL";
  }
  if (results.batch) out["target batch <= 0.2 ms/item"] = med("batch") / ITEMS <= 0.2 ? "PASS" : "FAIL";
  console.log(
    `app-inference-blocks (${TXS} txs/block, ${BATCH_TXS} batches of ${ITEMS}/block, ${BLOCKS} blocks, ${WARMUP} warm-up run(s), medians of ${RUNS}): ${JSON.stringify(out)}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
