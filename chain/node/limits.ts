// How the node's size limits relate (README "Limits"): a transaction reaches the mempool through the
// JSON-RPC, base64-encoded in `broadcast_tx_*` and hex-encoded in the `abci_query` that simulates it
// for a gas estimate, so `rpc.max_body_bytes` must hold twice the largest transaction
// `mempool.max_tx_bytes` admits plus the JSON envelope (../rpc/body-limit.ts); and a block
// (`block.max_bytes`, a consensus param) must hold the largest transaction. The defaults agree; a
// node whose config does not is warned at start, naming the keys.
import { maxBroadcastTxBytes, maxSimulateTxBytes, rpcBodyBytesFor } from "../rpc/body-limit.ts";

export interface NodeLimits {
  rpcMaxBodyBytes: number;
  mempoolMaxTxBytes: number;
  /** consensus params block.max_bytes (-1 = no limit) */
  blockMaxBytes?: number;
}

/** Where the limits disagree, one sentence each naming the keys (empty when they agree). */
export function limitProblems(l: NodeLimits): string[] {
  const out: string[] = [];
  const need = rpcBodyBytesFor(l.mempoolMaxTxBytes);
  if (l.rpcMaxBodyBytes < need)
    out.push(
      `rpc.max_body_bytes (${l.rpcMaxBodyBytes}) is below what a transaction of mempool.max_tx_bytes ` +
        `(${l.mempoolMaxTxBytes}) needs in a JSON-RPC body (${need}: hex in abci_query /Simulate, base64 in ` +
        `broadcast_tx_*); transactions over ${maxSimulateTxBytes(l.rpcMaxBodyBytes)} bytes cannot be simulated ` +
        `(gas "auto") and over ${maxBroadcastTxBytes(l.rpcMaxBodyBytes)} bytes cannot be broadcast: HTTP 413`,
    );
  if (l.blockMaxBytes !== undefined && l.blockMaxBytes > 0 && l.blockMaxBytes < l.mempoolMaxTxBytes)
    out.push(
      `the consensus param block.max_bytes (${l.blockMaxBytes}) is below mempool.max_tx_bytes ` +
        `(${l.mempoolMaxTxBytes}): larger transactions are admitted but never fit a block`,
    );
  return out;
}
