// What a paid call answers: the outputs and a receipt the caller can check against chain state
// without trusting the gateway (an abci_query with prove=true of the result's store key, verified
// against the app hash of the next block's header, as CosmJS QueryClient.queryStoreVerified does).
import { toHex } from "@cosmjs/encoding";
import { type TensorJson, tensorToJson } from "../../chain/tensor/json.ts";
import { resultTensors } from "../../client/tensor.ts";
import { requestKey, resultKey, StoreKey } from "../../modules/inference/keys.ts";
import { type InferenceResult, RequestStatus } from "../../proto/gen/dgrid/inference/v1/inference.ts";

export interface Receipt {
  requestId: string;
  txHash: string;
  /** the registry's model id: sha256 of the ONNX file */
  modelHash: string;
  /** sha256 of the canonical input bytes (the payment's extra.inputHash) */
  inputHash: string;
  /**
   * the result's output_hash: sha256 of the canonical output bytes; for outputs revealed by hash,
   * of the reference (the result's output_ref.sha256 is then the outputs', which the gateway checked)
   */
  outputHash: string;
  agreeing: string[];
  height: number;
  verify: {
    store: string;
    /** abci_query path */
    path: string;
    /** hex store key of the InferenceResult (protobuf dgrid.inference.v1.InferenceResult) */
    resultKey: string;
    /** hex store key of the InferenceRequest (model_id and inputs), while the chain keeps it */
    requestKey: string;
    how: string;
  };
}

export function receiptFor(
  result: InferenceResult,
  paid: { txHash: string; modelId: string; inputHash: string },
): { outputs: Record<string, TensorJson>; receipt: Receipt } {
  const outputs = Object.fromEntries(Object.entries(resultTensors(result)).map(([k, t]) => [k, tensorToJson(t)]));
  const id = result.requestId;
  return {
    outputs,
    receipt: {
      requestId: id.toString(),
      txHash: paid.txHash,
      modelHash: paid.modelId,
      inputHash: paid.inputHash,
      outputHash: toHex(result.outputHash),
      agreeing: [...result.agreeing],
      height: Number(result.height),
      verify: {
        store: StoreKey,
        path: `/store/${StoreKey}/key`,
        resultKey: toHex(resultKey(id)),
        requestKey: toHex(requestKey(id)),
        how:
          "abci_query path=/store/inference/key data=resultKey prove=true at any height >= the result's; " +
          "check the ICS-23 proof ops (iavl then simple) against the app hash in the header of the next block; " +
          "decode the value as InferenceResult and compare output_hash (and sha256 of the canonical outputs) with this receipt",
      },
    },
  };
}

/** A settled request that did not produce an output: its status and reason. */
export function refundReason(result: InferenceResult): string | undefined {
  if (result.status === RequestStatus.REQUEST_STATUS_FINALIZED) return undefined;
  return result.reason || RequestStatus[result.status] || String(result.status);
}
