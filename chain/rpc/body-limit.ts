// How large a transaction a JSON-RPC body limit lets through: `broadcast_tx_*` carries the tx
// base64-encoded inside a JSON body, so rpc.max_body_bytes must hold 4/3 of the tx plus the JSON
// envelope (chain/node/limits.ts checks the node's config against mempool.max_tx_bytes).

/** Bytes of the JSON-RPC envelope around the tx's base64 (`{"jsonrpc":"2.0","id":...,"method":"broadcast_tx_commit","params":{"tx":"..."}}`, generous). */
export const JSONRPC_ENVELOPE_BYTES = 1024;

/** Length of the base64 (padded) text of n bytes. */
export function base64Length(n: number): number {
  return 4 * Math.ceil(n / 3);
}

/** The smallest body limit through which a transaction of `txBytes` can be broadcast. */
export function rpcBodyBytesFor(txBytes: number): number {
  return base64Length(txBytes) + JSONRPC_ENVELOPE_BYTES;
}

/** The largest transaction a body limit of `bodyBytes` lets through broadcast_tx_*. */
export function maxTxBytesThrough(bodyBytes: number): number {
  return Math.max(0, Math.floor((bodyBytes - JSONRPC_ENVELOPE_BYTES) / 4) * 3);
}
