// The application's side of the node's size limits (chain/node/README.md "Limits"): the largest
// request the inference params admit (max_input_bytes of tensor data, plus the rest of its tx) must
// fit a transaction the mempool takes. Checked once the node runs (the params are chain state and
// may change by governance; a node started after such a change is warned then).
import type { Logger } from "pino";
import { maxSimulateTxBytes } from "../chain/rpc/body-limit.ts";
import { QueryParamsRequest, QueryParamsResponse } from "../proto/gen/dgrid/inference/v1/query.ts";

/** Room in a request's tx for everything but its input data: addresses, model id, tensor headers, fee, signatures, memo. */
export const REQUEST_TX_OVERHEAD_BYTES = 64 * 1024;

/** The sentence saying which limits keep a request of max_input_bytes from the chain, or undefined. */
export function inferenceLimitProblem(
  maxInputBytes: bigint,
  node: { mempoolMaxTxBytes: number; rpcMaxBodyBytes: number },
): string | undefined {
  const need = maxInputBytes + BigInt(REQUEST_TX_OVERHEAD_BYTES);
  const through = BigInt(Math.min(node.mempoolMaxTxBytes, maxSimulateTxBytes(node.rpcMaxBodyBytes)));
  if (need <= through) return undefined;
  return (
    `the inference param max_input_bytes (${maxInputBytes}) needs transactions of up to ${need} bytes, ` +
    `but mempool.max_tx_bytes (${node.mempoolMaxTxBytes}) and rpc.max_body_bytes (${node.rpcMaxBodyBytes}) ` +
    `let through ${through}: raise them, or lower max_input_bytes`
  );
}

/** Queries the inference params and warns when the node's limits cannot carry its largest request. */
export async function warnInferenceLimits(
  node: { mempoolMaxTxBytes: number; rpcMaxBodyBytes: number },
  query: (path: string, data: Uint8Array) => Promise<Uint8Array>,
  logger: Logger,
): Promise<void> {
  try {
    const res = QueryParamsResponse.decode(
      await query("/dgrid.inference.v1.Query/Params", QueryParamsRequest.encode({}).finish()),
    );
    const problem = res.params ? inferenceLimitProblem(res.params.maxInputBytes, node) : undefined;
    if (problem) logger.warn({ limits: true }, problem);
  } catch (e) {
    logger.debug({ err: e }, "could not read the inference params to check the limits");
  }
}
