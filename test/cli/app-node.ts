// The fake CometBFT RPC (fake-node.ts) in front of a real DGridApp over the in-memory store: queries
// and simulations are the app's answers, a broadcast tx goes through the app's CheckTx (refused
// ones are reported as a node reports them), and `deliver()` puts the accepted txs in a block.
import type { DGridApp } from "../../app/app.ts";
import { block, CHAIN_ID } from "../app/helpers.ts";
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
