// The fake CometBFT RPC (fake-node.ts) in front of a real DGridApp over the in-memory store: queries
// and simulations are the app's answers, a broadcast tx goes through the app's CheckTx (refused
// ones are reported as a node reports them), and `deliver()` puts the accepted txs in a block.
import { pino } from "pino";
import { DGridApp } from "../../app/app.ts";
import type { StakingKeeperI } from "../../modules/inference/expected-keepers.ts";
import { appStoreNames, block, CHAIN_ID, initApp } from "../app/helpers.ts";
import { MemCommitMultiStore } from "../app/memory-store.ts";
import { initChainRequest } from "../support/init-chain.ts";
import { type FakeNode, startFakeNode } from "./fake-node.ts";

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

/**
 * A DGridApp on the in-memory store (chain id CHAIN_ID, minimum gas price 0.025udgrid), InitChain'ed
 * from `state`, one block in, behind the fake RPC: what the CLI tests run their commands against.
 */
export async function startGenesisAppNode(
  state: Record<string, unknown>,
  opts: { stakingKeeper?: StakingKeeperI; statusOther?: Record<string, string> } = {},
): Promise<{ app: DGridApp; node: AppNode }> {
  const app = new DGridApp(
    { chainId: CHAIN_ID, minGasPrices: "0.025udgrid" },
    {
      db: undefined as never,
      logger: pino({ level: "silent" }),
      store: new MemCommitMultiStore({ storeNames: appStoreNames() }),
      ...(opts.stakingKeeper ? { stakingKeeper: opts.stakingKeeper } : {}),
    },
  );
  await initApp(app, state);
  await block(app, 1, []);
  return { app, node: await startAppNode(app, { statusOther: opts.statusOther }) };
}

/** InitChain of a fresh in-memory DGridApp from a genesis.json document (what `dgrid init` wrote). */
export async function initChainFromGenesisDoc(doc: { chain_id: string; app_state?: unknown }) {
  const app = new DGridApp(
    { chainId: doc.chain_id, minGasPrices: "0.025udgrid" },
    {
      db: undefined as never,
      logger: pino({ level: "silent" }),
      store: new MemCommitMultiStore({ storeNames: appStoreNames() }),
    },
  );
  return app.initChain(initChainRequest(doc.chain_id, doc.app_state));
}
