// Broadcasts pre-signed txs with broadcast_tx_sync in JSON-RPC batches, a bounded number of batches in
// flight, each sender's txs always to the same node (sender j -> node j % nodes; gossip brings them to
// the proposer). Records when each tx was sent and the follower's tip then.
import type { SignedTx } from "./accounts.ts";

export interface Sent {
  ms: number;
  /** the tip height when it was sent */
  height: number;
}

export async function broadcast(
  txs: SignedTx[],
  rpcUrls: string[],
  o: { batch: number; concurrency: number },
  tip: () => number,
): Promise<Map<string, Sent>> {
  const sent = new Map<string, Sent>();
  // the RPC server reads request bodies up to 1 MB: fewer txs per JSON-RPC batch for large inputs
  const txB64 = Math.max(...txs.map((t) => Math.ceil(t.bytes.length / 3) * 4 + 80));
  const batchSize = Math.max(1, Math.min(o.batch, Math.floor(900_000 / txB64)));
  // per node, in order; each node's queue has its own workers. A queue cycles through
  // floor(senders / nodes) or more distinct accounts, so a window of at most that many consecutive txs
  // (batch x workers) never holds two txs of one account: an account's next tx is only sent once its
  // previous one has passed CheckTx on the same node.
  const senders = new Set(txs.map((t) => t.sender)).size;
  const window = Math.floor(senders / rpcUrls.length);
  const workers = Math.min(Math.ceil(o.concurrency / rpcUrls.length), Math.floor(window / batchSize));
  if (workers < 1) {
    throw new Error(
      `${senders} senders over ${rpcUrls.length} nodes cannot keep a batch of ${batchSize} from distinct accounts: raise --senders`,
    );
  }
  await Promise.all(
    rpcUrls.map(async (url, i) => {
      const queue = txs.filter((t) => t.sender % rpcUrls.length === i);
      let cursor = 0;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (cursor < queue.length) {
            const batch = queue.slice(cursor, cursor + batchSize);
            cursor += batch.length;
            const h = tip();
            const ms = performance.now();
            const res = await fetch(url, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(
                batch.map((tx, j) => ({
                  jsonrpc: "2.0",
                  id: j,
                  method: "broadcast_tx_sync",
                  params: { tx: Buffer.from(tx.bytes).toString("base64") },
                })),
              ),
            });
            const out = (await res.json()) as { result?: { code: number; log: string }; error?: unknown }[];
            for (let j = 0; j < batch.length; j++) {
              const r = Array.isArray(out) ? out[j] : undefined;
              if (r?.result?.code !== 0)
                throw new Error(`broadcast failed: ${JSON.stringify(r ?? out).slice(0, 2000)}`);
              sent.set(batch[j].hash, { ms, height: h });
            }
          }
        }),
      );
    }),
  );
  return sent;
}
