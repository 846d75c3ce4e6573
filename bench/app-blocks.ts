// Benchmark (not a test): the node's per-block work without HTTP or consensus timing, in one process:
// CheckTx of a block's worth of pre-signed MsgSends (through the Mempool, as RPC does), then
// FinalizeBlock, Commit (+ mempool update) and tx indexing, over a real LevelDB. Prints the median wall
// time of each phase per block and the CPU time per tx, so store / ante / indexing changes can be
// compared on a busy machine. Usage: node --import tsx bench/app-blocks.ts [--txs 1500] [--blocks 4]

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ClassicLevel } from "classic-level";
import pino from "pino";
import { DGridApp } from "../app/app.ts";
import { Mempool } from "../chain/mempool/mempool.ts";
import { TxIndexer } from "../chain/txindex/tx-indexer.ts";
import { initChainRequest } from "../test/support/init-chain.ts";
import { makeAccounts, signSend } from "./presign.ts";
import { median } from "./stats.ts";

const { values: flags } = parseArgs({
  options: {
    txs: { type: "string", default: "1500" }, // txs per block (one per account)
    blocks: { type: "string", default: "4" },
    workers: { type: "string", default: "1" }, // signature pre-verification workers (0 = none)
  },
});
const perBlock = Number(flags.txs);
const blocks = Number(flags.blocks);
const CHAIN_ID = "dgrid-bench-app";
const DENOM = "udgrid";

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "dgrid-app-bench-"));
  const db = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, "db"), { keyEncoding: "view", valueEncoding: "view" });
  const sub = (name: string) =>
    db.sublevel<Uint8Array, Uint8Array>(name, { keyEncoding: "view", valueEncoding: "view" });
  const logger = pino({ level: "warn" });
  const app = new DGridApp(
    { chainId: CHAIN_ID, minGasPrices: "0.0025udgrid", sigVerifyWorkers: Number(flags.workers) },
    { db: sub("state"), logger },
  );
  const mempool = new Mempool({ maxTxs: perBlock * 2, cacheSize: perBlock * blocks * 2 }, { app, logger });
  const indexer = new TxIndexer({}, { db: sub("txindex") });
  try {
    const accounts = makeAccounts(perBlock);
    const appState = {
      auth: {
        accounts: accounts.map((a) => ({
          "@type": "/cosmos.auth.v1beta1.BaseAccount",
          address: a.address,
          pub_key: null,
          account_number: a.accountNumber.toString(),
          sequence: "0",
        })),
      },
      bank: {
        balances: accounts
          .map((a) => ({ address: a.address, coins: [{ denom: DENOM, amount: "1000000000" }] }))
          .sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0)),
        supply: [{ denom: DENOM, amount: (1_000_000_000n * BigInt(perBlock)).toString() }],
      },
    };
    await app.initChain(initChainRequest(CHAIN_ID, appState));
    process.stderr.write(`[app-bench] signing ${perBlock * blocks} txs\n`);
    const params = { chainId: CHAIN_ID, denom: DENOM, feeAmount: "2000", gasLimit: 150_000n };
    const signed = Array.from({ length: blocks }, (_, b) =>
      accounts.map((a, i) => signSend(a, accounts[(i + 1) % perBlock].address, BigInt(b), params).bytes),
    );

    const phases: Record<string, number[]> = { checkTx: [], finalizeBlock: [], commit: [], index: [], cpuPerTx: [] };
    for (let b = 0; b < blocks; b++) {
      const height = b + 1;
      const cpu0 = cpuMs();
      let t = performance.now();
      const results = await Promise.all(signed[b].map((tx) => mempool.checkTx(tx)));
      const bad = results.filter((r) => r.code !== 0);
      if (bad.length > 0) throw new Error(`CheckTx rejected ${bad.length}: ${bad[0].log}`);
      phases.checkTx.push(performance.now() - t);
      const txs = mempool.reapMaxBytesMaxGas(-1, -1);
      t = performance.now();
      const resp = await app.finalizeBlock({
        txs,
        decidedLastCommit: { round: 0, votes: [] },
        misbehavior: [],
        hash: new Uint8Array(32),
        height: BigInt(height),
        time: { seconds: 1_700_000_000n + BigInt(height), nanos: 0 },
        nextValidatorsHash: new Uint8Array(32),
        proposerAddress: new Uint8Array(20),
      });
      const failed = resp.txResults.filter((r) => r.code !== 0);
      if (failed.length > 0) throw new Error(`FinalizeBlock failed ${failed.length}: ${failed[0].log}`);
      phases.finalizeBlock.push(performance.now() - t);
      t = performance.now();
      await mempool.lock();
      try {
        await app.commit({});
        await mempool.update(height, txs, resp.txResults);
      } finally {
        mempool.unlock();
      }
      phases.commit.push(performance.now() - t);
      t = performance.now();
      await indexer.indexBlock(height, txs, resp.txResults, resp.events);
      phases.index.push(performance.now() - t);
      phases.cpuPerTx.push((cpuMs() - cpu0) / txs.length);
      process.stderr.write(
        `[app-bench] block ${height}: ${txs.length} txs, checkTx ${phases.checkTx[b].toFixed(0)} ms, ` +
          `finalize ${phases.finalizeBlock[b].toFixed(0)} ms, commit ${phases.commit[b].toFixed(0)} ms, ` +
          `index ${phases.index[b].toFixed(0)} ms, CPU ${phases.cpuPerTx[b].toFixed(3)} ms/tx\n`,
      );
    }
    const out = Object.fromEntries(
      Object.entries(phases).map(([k, v]) => [k === "cpuPerTx" ? "cpu ms/tx" : `${k} ms/block`, median(v)]),
    );
    console.log(`app-blocks (${perBlock} txs/block, ${blocks} blocks, medians): ${JSON.stringify(out)}`);
    console.log(`signature cache: ${JSON.stringify(app.sigVerifier.stats)}`);
  } finally {
    await app.sigVerifier.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
