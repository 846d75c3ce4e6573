// Benchmark (not a test): what checking one MsgRequestInference costs as the validator set grows.
// checkRequest runs twice per request (CheckTx and the block) and needs min(requested, eligible
// executors). Counting them with candidates() reads and decodes every bonded validator (and its
// reputation); eligibleExecutors() walks the model's servers and stops at the requested redundancy.
// For each set size: a genesis of N gentx validators all serving the demo model (app/cli/gentx.ts,
// the real staking, registry and reputation keepers), one committed block, then on the committed
// state: checkRequest as it is now, candidates() (the count it used before), eligibleExecutors().
// Prints medians of --runs timed loops of --iters calls each, and candidates / eligibleExecutors
// in the same run.
//
//   node --import tsx bench/check-request.ts [--validators 1,10,50,100] [--iters 200] [--runs 5]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { ClassicLevel } from "classic-level";
import pino from "pino";
import { DGridApp } from "../app/app.ts";
import { parseCoins } from "../app/cli/args.ts";
import { buildGenesisWithGentxs } from "../app/cli/gentx.ts";
import { namedFromTensors } from "../chain/tensor/canonical.ts";
import { addressFromString, addressToString, Bech32PrefixValAddr } from "../chain/types/address.ts";
import { Ed25519Key } from "../chain/types/keys.ts";
import { snakeKeys } from "../chain/types/proto-json.ts";
import { DEMO_PRICE, demoModel } from "../models/demo.ts";
import { MsgRequestInference } from "../proto/gen/dgrid/inference/v1/tx.ts";
import { GenesisState as RegistryGenesis } from "../proto/gen/dgrid/registry/v1/registry.ts";
import { initChainRequest } from "../test/support/init-chain.ts";
import { makeAccounts } from "./presign.ts";
import { median } from "./stats.ts";

const { values: flags } = parseArgs({
  options: {
    validators: { type: "string", default: "1,10,50,100" },
    iters: { type: "string", default: "200" },
    runs: { type: "string", default: "5" },
  },
});
const SIZES = (flags.validators ?? "").split(",").map(Number);
const ITERS = Number(flags.iters);
const RUNS = Number(flags.runs);
const CHAIN_ID = "dgrid-bench-check";

async function appWith(n: number, dir: string, run: number) {
  const accounts = makeAccounts(n + 1);
  const requester = accounts[n];
  const validators = [];
  for (let i = 0; i < n; i++) {
    validators.push({
      signer: await DirectSecp256k1Wallet.fromKey(accounts[i].priv, "dgrid"),
      consensusPubKey: Ed25519Key.fromSeed(accounts[i].priv).pubKey,
      moniker: `v${i}`,
      balance: parseCoins("2000000000udgrid"),
      selfDelegation: 1_000_000_000n,
    });
  }
  const { genesis } = await buildGenesisWithGentxs({
    chainId: CHAIN_ID,
    accounts: [{ address: requester.address, coins: parseCoins("1000000000000udgrid") }],
    validators,
  });
  const model = demoModel(requester.address);
  const valopers = accounts.slice(0, n).map((a) => addressToString(addressFromString(a.address), Bech32PrefixValAddr));
  const appState = genesis.app_state as Record<string, any>;
  // as app/devnet.ts: the module's default params, the model and its servers
  appState.registry = snakeKeys(
    RegistryGenesis.toJSON({
      params: undefined,
      models: [model],
      servers: valopers.map((v) => ({ modelId: model.id, validator: v, provider: "cpu", sinceHeight: 0n })),
      conformanceFailures: [],
      modelStats: [],
      creatorEarnings: [],
    }),
  );
  const db = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, `db-${run}-${n}`), {
    keyEncoding: "view",
    valueEncoding: "view",
  });
  const app = new DGridApp(
    { chainId: CHAIN_ID, minGasPrices: "0udgrid", sigVerifyWorkers: 0 },
    {
      db: db.sublevel<Uint8Array, Uint8Array>("state", { keyEncoding: "view", valueEncoding: "view" }),
      logger: pino({ level: "silent" }),
    },
  );
  await app.initChain(initChainRequest(CHAIN_ID, appState));
  const time = { seconds: 1_700_000_000n, nanos: 0 };
  await app.finalizeBlock({
    txs: [],
    decidedLastCommit: { round: 0, votes: [] },
    misbehavior: [],
    hash: new Uint8Array(32),
    height: 1n,
    time,
    nextValidatorsHash: new Uint8Array(32),
    proposerAddress: new Uint8Array(20),
  });
  await app.commit({});
  const input = { dtype: "float32" as const, shape: [1, 16], data: new Uint8Array(64) };
  const msg = MsgRequestInference.fromPartial({
    requester: requester.address,
    modelId: model.id,
    maxFee: { denom: "udgrid", amount: String(BigInt(DEMO_PRICE.replace("udgrid", "")) * 3n) },
    redundancy: 3,
    inputs: namedFromTensors({ input }),
  });
  return { app, db, msg, modelId: model.id };
}

async function timeUs(f: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < ITERS; i++) await f();
  return Number(process.hrtime.bigint() - t) / 1000 / ITERS;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "dgrid-check-request-bench-"));
  const rows: Record<string, unknown>[] = [];
  try {
    for (const [i, n] of SIZES.entries()) {
      const { app, db, msg, modelId } = await appWith(n, dir, i);
      const k = app.inferenceKeeper;
      const ctx = () =>
        app.newContext(app.store.branch(), { height: 2, timeMs: 1_700_000_001_000, chainId: CHAIN_ID }, "check");
      const eligible = (await k.candidates(ctx(), modelId)).length;
      if (eligible !== n) throw new Error(`${n} validators but ${eligible} candidates`);
      const runs = {
        check: [] as number[],
        candidates: [] as number[],
        eligible: [] as number[],
        ratio: [] as number[],
      };
      for (let r = 0; r < RUNS + 1; r++) {
        const c = ctx(); // one branch per run: its cache warms as a block's would
        const check = await timeUs(() => k.checkRequest(c, msg));
        const cand = await timeUs(() => k.candidates(c, modelId));
        const elig = await timeUs(() => k.eligibleExecutors(c, modelId, 3));
        if (r === 0) continue; // warm-up
        runs.check.push(check);
        runs.candidates.push(cand);
        runs.eligible.push(elig);
        runs.ratio.push(cand / elig);
      }
      rows.push({
        validators: n,
        "checkRequest us": Number(median(runs.check).toFixed(1)),
        "candidates() us (the count before)": Number(median(runs.candidates).toFixed(1)),
        "eligibleExecutors(3) us (now)": Number(median(runs.eligible).toFixed(1)),
        "candidates / eligibleExecutors": Number(median(runs.ratio).toFixed(1)),
      });
      process.stderr.write(`[check-request] ${JSON.stringify(rows[rows.length - 1])}\n`);
      await app.sigVerifier.close();
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`check-request (medians of ${RUNS} runs of ${ITERS} calls, redundancy 3):`);
  console.table(rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
