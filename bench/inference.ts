// Inference through the chain vs. directly, in one run:
//   npm run bench:inference -- [--runs 3] [--n 100] [--raw-n 2000] [--block-ms 200]
// 1. direct: the demo model (models/demo-mlp.onnx) and the same inputs with onnxruntime-node in this
//    process (pinned session options), `--raw-n` inferences per run -> raw inferences/s.
// 2. chain: a devnet node (chain/node/devnet.ts genesis: one validator, k = 1, vote extensions) in a
//    temp home with `--block-ms` blocks; `--n` MsgRequestInference txs pre-signed by the devnet user
//    accounts (`--senders`, funded from the devnet user account; each account's txs in sequence
//    order, the accounts in parallel), broadcast with broadcast_tx_sync; the bench follows every block
//    (block_results) and records for each request the time and height its `request_finalized` event
//    appeared. Finalized requests/s = n / (last finalization - first broadcast); latency per request
//    = finalization - its broadcast, in ms and in blocks (height of finalization - height at broadcast).
// Prints medians over `--runs` runs (the chain runs share one node) and the ratio finalized/(raw/k).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { toBase64 } from "@cosmjs/encoding";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import ort from "onnxruntime-node";
import { addDevnetOperatorKey, DEVNET_MNEMONIC, devnetWallet, prepareDevnetHome } from "../chain/node/devnet.ts";
import { dgridMsgTypes } from "../client/dgrid-types.ts";
import { connectSigningClient, walletFromMnemonic } from "../client/index.ts";
import { DEMO_MODEL_PATH, sha256Hex } from "../models/demo.ts";
import { seededFloats } from "../test/support/mlp-model.ts";
import { freePort, rpcCall, spawnNode } from "../test/support/node-process.ts";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    n: { type: "string", default: "100" },
    "raw-n": { type: "string", default: "2000" },
    "block-ms": { type: "string", default: "200" },
    senders: { type: "string", default: "8" },
  },
});
const RUNS = Number(args.runs);
const N = Number(args.n);
const RAW_N = Number(args["raw-n"]);
const BLOCK_MS = Number(args["block-ms"]);
const SENDERS = Number(args.senders);

const bytes = new Uint8Array(readFileSync(DEMO_MODEL_PATH));
const MODEL_ID = sha256Hex(bytes);
const inputs = Array.from({ length: Math.max(N, 64) }, (_, i) => seededFloats(1000 + i, 16));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function rawRun(): Promise<number> {
  const session = await ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    intraOpNumThreads: 1,
    executionProviders: ["cpu"],
  });
  const t0 = performance.now();
  for (let i = 0; i < RAW_N; i++) {
    await session.run({ input: new ort.Tensor("float32", inputs[i % inputs.length], [1, 16]) });
  }
  const s = (performance.now() - t0) / 1000;
  await session.release();
  return RAW_N / s;
}

interface ChainRun {
  finalizedPerSec: number;
  p50ms: number;
  p99ms: number;
  p50blocks: number;
  p99blocks: number;
  settled: number;
  broadcastMs: number;
  includedPerBlock: number[];
}

async function main() {
  const home = mkdtempSync(join(tmpdir(), "dgrid-bench-inf-"));
  prepareDevnetHome(home);
  await addDevnetOperatorKey(home);
  const cfgPath = join(home, "config", "config.json");
  const cfg = JSON.parse(readFileSync(cfgPath, "utf8"));
  const rpcPort = await freePort();
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  cfg.rpc.laddr = `tcp://127.0.0.1:${rpcPort}`;
  cfg.p2p.laddr = `/ip4/127.0.0.1/tcp/${await freePort()}`;
  cfg.instrumentation = { prometheus: false, prometheusLaddr: `tcp://127.0.0.1:${await freePort()}` };
  cfg.models.laddr = `tcp://127.0.0.1:${await freePort()}`;
  cfg.consensus.timeoutCommitMs = BLOCK_MS;
  cfg.logLevel = "warn";
  writeFileSync(cfgPath, JSON.stringify(cfg, null, 2));
  const node = await spawnNode(home, rpcUrl, 3);
  const wallet = await devnetWallet("user");
  const [acc] = await wallet.getAccounts();
  const client = await connectSigningClient(rpcUrl, wallet, { extraTypes: dgridMsgTypes });
  const chainId = await client.getChainId();
  const validators = (await rpcCall(rpcUrl, "validators", {})).result.validators.length as number;
  const params = { k: 1 };
  // fund the sender accounts (devnet mnemonic, HD indexes 10..) from the user account
  const senders = await Promise.all(
    Array.from({ length: SENDERS }, (_, j) => walletFromMnemonic(DEVNET_MNEMONIC, `m/44'/118'/0'/0/${10 + j}`)),
  );
  const senderClients = await Promise.all(
    senders.map(async (w) => ({
      address: (await w.getAccounts())[0].address,
      client: await connectSigningClient(rpcUrl, w, { extraTypes: dgridMsgTypes }),
    })),
  );
  const fund = await client.signAndBroadcast(
    acc.address,
    senderClients.map((sc) => ({
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: acc.address, toAddress: sc.address, amount: [{ denom: "udgrid", amount: "10000000000" }] },
    })),
    "auto",
  );
  if (fund.code !== 0) throw new Error(`funding failed: ${fund.rawLog}`);

  const raws: number[] = [];
  const chains: ChainRun[] = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      raws.push(await rawRun());
      // SENDERS accounts, each with its own sequence, broadcast in parallel (one account's txs in order)
      const perSender: Uint8Array[][] = senders.map(() => []);
      for (let j = 0; j < senders.length; j++) {
        const sc = senderClients[j];
        const { accountNumber, sequence } = await sc.client.getSequence(sc.address);
        for (let i = j, q = 0; i < N; i += senders.length, q++) {
          const signed = await sc.client.sign(
            sc.address,
            [
              {
                typeUrl: "/dgrid.inference.v1.MsgRequestInference",
                value: {
                  requester: sc.address,
                  modelId: MODEL_ID,
                  inputs: [
                    {
                      name: "input",
                      dtype: "float32",
                      shape: [1, 16],
                      data: new Uint8Array(inputs[i].buffer.slice(0)),
                    },
                  ],
                  maxFee: { denom: "udgrid", amount: "1000" },
                  redundancy: 0,
                },
              },
            ],
            { amount: [{ denom: "udgrid", amount: "10000" }], gas: "400000" },
            "",
            { accountNumber, sequence: sequence + q, chainId },
          );
          perSender[j].push(TxRaw.encode(signed).finish());
        }
      }
      const sentAt = new Map<string, { ms: number; height: number }>(); // tx hash -> broadcast
      const height = Number((await rpcCall(rpcUrl, "status")).result.sync_info.latest_block_height);
      let curHeight = height;
      let tracking = true;
      const tracker = (async () => {
        while (tracking) {
          curHeight = Number((await rpcCall(rpcUrl, "status")).result.sync_info.latest_block_height);
          await new Promise((res) => setTimeout(res, 20));
        }
      })();
      const t0 = performance.now();
      await Promise.all(
        perSender.map(async (txs) => {
          for (const tx of txs) {
            const h = curHeight;
            const res = await rpcCall(rpcUrl, "broadcast_tx_sync", { tx: toBase64(tx) });
            if (res.result?.code !== 0) throw new Error(`broadcast failed: ${JSON.stringify(res.result ?? res.error)}`);
            sentAt.set(res.result.hash, { ms: performance.now(), height: h });
          }
        }),
      );
      tracking = false;
      await tracker;
      const broadcastMs = performance.now() - t0;
      const includedAt = new Map<number, number>(); // height -> requests included
      // follow blocks: request ids from the txs' request_created, finalization from block events
      const idOfHash = new Map<string, string>();
      const sentOfId = new Map<string, { ms: number; height: number }>();
      const done = new Map<string, { ms: number; height: number }>();
      let seen = height;
      const deadline = performance.now() + 120_000;
      while (done.size < N && performance.now() < deadline) {
        const latest = Number((await rpcCall(rpcUrl, "status")).result.sync_info.latest_block_height);
        for (let h = seen + 1; h <= latest; h++) {
          const now = performance.now();
          const brRes = await rpcCall(rpcUrl, "block_results", { height: String(h) });
          if (!brRes.result) break; // not saved yet: next poll
          seen = h;
          const br = brRes.result;
          const blk = (await rpcCall(rpcUrl, "block", { height: String(h) })).result.block;
          const txsB64: string[] = blk.data.txs ?? [];
          (br.txs_results ?? []).forEach(
            (tr: { events: { type: string; attributes: { key: string; value: string }[] }[] }, i: number) => {
              const hash = sha256Hex(Buffer.from(txsB64[i], "base64")).toUpperCase();
              const ev = tr.events.find((e) => e.type === "request_created");
              const id = ev?.attributes.find((a) => a.key === "request_id")?.value;
              if (id && sentAt.has(hash)) {
                includedAt.set(h, (includedAt.get(h) ?? 0) + 1);
                idOfHash.set(hash, id);
                sentOfId.set(id, sentAt.get(hash)!);
              }
            },
          );
          for (const e of br.finalize_block_events ?? []) {
            if (e.type !== "request_finalized" && e.type !== "request_refunded") continue;
            const id = e.attributes.find((a: { key: string }) => a.key === "request_id")?.value;
            if (id && sentOfId.has(id) && !done.has(id)) done.set(id, { ms: now, height: h });
          }
        }
        await new Promise((res) => setTimeout(res, 20));
      }
      const lat: number[] = [];
      const latBlocks: number[] = [];
      let last = t0;
      for (const [id, d] of done) {
        const s = sentOfId.get(id)!;
        lat.push(d.ms - s.ms);
        latBlocks.push(d.height - s.height);
        last = Math.max(last, d.ms);
      }
      const run: ChainRun = {
        finalizedPerSec: done.size / ((last - t0) / 1000),
        p50ms: pct(lat, 50),
        p99ms: pct(lat, 99),
        p50blocks: pct(latBlocks, 50),
        p99blocks: pct(latBlocks, 99),
        settled: done.size,
        broadcastMs: Math.round(broadcastMs),
        includedPerBlock: [...includedAt.values()],
      };
      chains.push(run);
      process.stderr.write(`run ${r + 1}: raw ${raws[r].toFixed(0)}/s, chain ${JSON.stringify(run)}\n`);
    }
  } finally {
    client.disconnect();
    for (const sc of senderClients) sc.client.disconnect();
    await node.stop();
    rmSync(home, { recursive: true, force: true });
  }
  const raw = median(raws);
  const fin = median(chains.map((c) => c.finalizedPerSec));
  const summary = {
    model: `demo-mlp ${MODEL_ID.slice(0, 12)}`,
    runs: RUNS,
    requests_per_run: N,
    block_ms: BLOCK_MS,
    validators,
    k: params.k,
    raw_inferences_per_s: Math.round(raw),
    finalized_requests_per_s: Number(fin.toFixed(2)),
    p50_latency_ms: Math.round(median(chains.map((c) => c.p50ms))),
    p99_latency_ms: Math.round(median(chains.map((c) => c.p99ms))),
    p50_latency_blocks: median(chains.map((c) => c.p50blocks)),
    p99_latency_blocks: median(chains.map((c) => c.p99blocks)),
    settled: chains.map((c) => c.settled),
    broadcast_ms: chains.map((c) => c.broadcastMs),
    ratio_finalized_over_raw_per_k: Number((fin / (raw / params.k)).toFixed(5)),
  };
  process.stdout.write(`JSON ${JSON.stringify(summary)}\n`);
}

await main();
