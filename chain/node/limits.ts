// How the node's size limits relate (README "Limits"): a transaction reaches the mempool through the
// JSON-RPC `broadcast_tx_*` methods, base64-encoded inside a JSON body, so `rpc.max_body_bytes` must
// hold the base64 of the largest transaction `mempool.max_tx_bytes` admits plus the JSON envelope;
// and a block (`block.max_bytes`, a consensus param) must hold the largest transaction. The defaults
// agree; a node whose config does not is warned at start, naming the keys.
import { maxTxBytesThrough, rpcBodyBytesFor } from "../rpc/body-limit.ts";

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
        `(${l.mempoolMaxTxBytes}) needs through broadcast_tx_* (${need}: its base64 in the JSON-RPC body); ` +
        `transactions over ${maxTxBytesThrough(l.rpcMaxBodyBytes)} bytes get HTTP 413`,
    );
  if (l.blockMaxBytes !== undefined && l.blockMaxBytes > 0 && l.blockMaxBytes < l.mempoolMaxTxBytes)
    out.push(
      `the consensus param block.max_bytes (${l.blockMaxBytes}) is below mempool.max_tx_bytes ` +
        `(${l.mempoolMaxTxBytes}): larger transactions are admitted but never fit a block`,
    );
  return out;
}
