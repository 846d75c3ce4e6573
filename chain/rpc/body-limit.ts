// How large a transaction a JSON-RPC body limit lets through. A tx reaches the node inside a JSON
// body in two encodings: base64 in `broadcast_tx_*` (4/3 of its size) and hex in `abci_query`'s
// `data`, which is how CosmJS simulates a tx to estimate its gas (`gas: "auto"`; twice its size).
// So rpc.max_body_bytes must hold twice the largest tx plus the JSON envelope for both to work
// (chain/node/limits.ts checks the node's config against mempool.max_tx_bytes).

/** Bytes of the JSON-RPC envelope around the encoded tx (method, id, path, the Simulate request's own bytes; generous). */
export const JSONRPC_ENVELOPE_BYTES = 1024;

/** Length of the base64 (padded) text of n bytes. */
export function base64Length(n: number): number {
  return 4 * Math.ceil(n / 3);
}

/** The smallest body limit through which a transaction of `txBytes` can be simulated (hex) and broadcast (base64). */
export function rpcBodyBytesFor(txBytes: number): number {
  return Math.max(2 * txBytes, base64Length(txBytes)) + JSONRPC_ENVELOPE_BYTES;
}

/** The largest transaction a body limit of `bodyBytes` lets through broadcast_tx_* (base64). */
export function maxBroadcastTxBytes(bodyBytes: number): number {
  return Math.max(0, Math.floor((bodyBytes - JSONRPC_ENVELOPE_BYTES) / 4) * 3);
}

/** The largest transaction a body limit of `bodyBytes` lets through abci_query /Simulate (hex). */
export function maxSimulateTxBytes(bodyBytes: number): number {
  return Math.max(0, Math.floor((bodyBytes - JSONRPC_ENVELOPE_BYTES) / 2));
}
