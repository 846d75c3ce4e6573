// The fake CometBFT RPC (fake-node.ts) in front of a real DGridApp over the in-memory store: queries
// and simulations are the app's answers, a broadcast tx goes through the app's CheckTx (refused
// ones are reported as a node reports them), and `deliver()` puts the accepted txs in a block.
import assert from "node:assert/strict";
import { pino } from "pino";
import { DGridApp } from "../../app/app.ts";
import type { StakingKeeperI } from "../../modules/inference/expected-keepers.ts";
import { appStoreNames, block, CHAIN_ID, genesis, initApp } from "../app/helpers.ts";
import { MemCommitMultiStore } from "../app/memory-store.ts";
import { initChainRequest } from "../support/init-chain.ts";
import { type FakeNode, startFakeNode } from "./fake-node.ts";
import { cli, KNOWN_MNEMONIC } from "./helpers.ts";

export interface AppNode {
  node: FakeNode;
  /** finalizes and commits a block with every tx accepted since the last one; returns its result */
  deliver(): Promise<Awaited<ReturnType<typeof block>>>;
}

export async function startAppNode(
  app: DGridApp,
  opts: { firstHeight?: number; statusOther?: Record<string, string> } = {},
): Promise<AppNode> {
  const firstHeight = opts.firstHeight ?? 2;
  let height = firstHeight;
  let delivered = 0;
  const node = await startFakeNode(
    CHAIN_ID,
    async (path, data) => {
      const r = await app.query({ path, data, height: 0n, prove: false });
      return { code: r.code, codespace: r.codespace, log: r.log, value: r.value };
    },
    {
      checkTx: async (tx) => {
        const r = await app.checkTx({ tx, type: 0 });
        return { code: r.code, codespace: r.codespace, log: r.log };
      },
      statusOther: opts.statusOther,
    },
  );
  return {
    node,
    deliver: async () => {
      const txs = node.broadcast.slice(delivered);
      delivered = node.broadcast.length;
      return block(app, height++, txs);
    },
  };
}

/** A DGridApp on the in-memory store with the minimum gas price 0.025udgrid, not yet InitChain'ed. */
function memoryApp(chainId: string, stakingKeeper?: StakingKeeperI): DGridApp {
  return new DGridApp(
    { chainId, minGasPrices: "0.025udgrid" },
    {
      db: undefined as never,
      logger: pino({ level: "silent" }),
      store: new MemCommitMultiStore({ storeNames: appStoreNames() }),
      ...(stakingKeeper ? { stakingKeeper } : {}),
    },
  );
}

/**
 * A DGridApp on the in-memory store (chain id CHAIN_ID, minimum gas price 0.025udgrid), InitChain'ed
 * from `state`, one block in, behind the fake RPC: what the CLI tests run their commands against.
 */
export async function startGenesisAppNode(
  state: Record<string, unknown>,
  opts: { stakingKeeper?: StakingKeeperI; statusOther?: Record<string, string> } = {},
): Promise<{ app: DGridApp; node: AppNode }> {
  const app = memoryApp(CHAIN_ID, opts.stakingKeeper);
  await initApp(app, state);
  await block(app, 1, []);
  return { app, node: await startAppNode(app, { statusOther: opts.statusOther }) };
}

/**
 * The CLI tests' two keys in the keyring of `ring`: alice (KNOWN_MNEMONIC, recovered) and a new bob,
 * both funded with 1000000000udgrid in genesis, and an app node over that genesis.
 */
export async function startAliceBobAppNode(ring: string[]): Promise<{ alice: string; bob: string; node: AppNode }> {
  let r = await cli(["keys", "add", "alice", "--recover", ...ring, "-o", "json"], { stdin: KNOWN_MNEMONIC });
  assert.equal(r.code, 0, r.stderr);
  const alice: string = JSON.parse(r.stdout).address;
  r = await cli(["keys", "add", "bob", ...ring, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const bob: string = JSON.parse(r.stdout).address;
  const coins = [{ denom: "udgrid", amount: "1000000000" }];
  const { node } = await startGenesisAppNode(
    genesis([
      { address: alice, coins },
      { address: bob, coins },
    ]),
  );
  return { alice, bob, node };
}

/** InitChain of a fresh in-memory DGridApp from a genesis.json document (what `dgrid init` wrote). */
export async function initChainFromGenesisDoc(doc: { chain_id: string; app_state?: unknown }) {
  return memoryApp(doc.chain_id).initChain(initChainRequest(doc.chain_id, doc.app_state));
}
