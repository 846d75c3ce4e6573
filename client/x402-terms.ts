// The DGrid x402 terms, shared by the gateway (app/gateway) and the client scheme (x402.ts): the
// CAIP-2 network name, what `PaymentRequirements.extra` carries for one inference, the input hash,
// and the MsgRequestInference (or MsgExec of one) a payment must sign. Pure: no node: import.
import { sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import type { PaymentRequirements } from "@x402/core/types";
import { MsgExec } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { canonicalOutput, tensorsFromNamed } from "../chain/tensor/canonical.ts";
import { type TensorJson, tensorFromJson } from "../chain/tensor/json.ts";
import { MsgRequestInference } from "../proto/gen/dgrid/inference/v1/tx.ts";
import type { NamedTensor } from "../proto/gen/dgrid/registry/v1/registry.ts";
import { DGRID_DENOM } from "./config.ts";

export const X402_VERSION = 2;
/** the amount is exactly what the signed tx moves: the escrowed inference fee plus the tx fee */
export const DGRID_SCHEME = "exact";
export const DGRID_ASSET = DGRID_DENOM;
export const COSMOS_NETWORK_PATTERN = "cosmos:*";
export const MSG_REQUEST_INFERENCE_TYPE_URL = "/dgrid.inference.v1.MsgRequestInference";
export const MSG_EXEC_TYPE_URL = "/cosmos.authz.v1beta1.MsgExec";

/** CAIP-2 name of a Cosmos chain: `cosmos:<chain-id>`. */
export function cosmosNetwork(chainId: string): `cosmos:${string}` {
  return `cosmos:${chainId}`;
}

/** What `PaymentRequirements.extra` holds for one DGrid inference (every amount in udgrid, decimal). */
export interface DGridPaymentExtra {
  /** the registry's model id: lowercase hex sha256 of the ONNX file */
  modelId: string;
  /** executors asked for (MsgRequestInference.redundancy) */
  redundancy: number;
  /** MsgRequestInference.max_fee: price_per_call x redundancy, escrowed by the inference module */
  inferenceFee: string;
  /** the tx fee: ceil(gasLimit x gasPrice) */
  txFee: string;
  gasLimit: number;
  /** e.g. "0.025udgrid" */
  gasPrice: string;
  /** hex sha256 of the canonical bytes of the inputs (chain/tensor/canonical.ts), see inputHash */
  inputHash: string;
  /** the inputs the tx must carry, by name, in the tensor JSON form (base64 data) */
  inputs: Record<string, TensorJson>;
  /** the model's input and output specs (name, dtype, shape with symbolic dims) */
  inputSpecs: unknown[];
  outputSpecs: unknown[];
}

/** sha256 (hex) of the canonical encoding of named tensors: the hash a receipt and a payment name. */
export function inputHash(inputs: readonly NamedTensor[]): string {
  return toHex(sha256(canonicalOutput(tensorsFromNamed(inputs))));
}

/** Reads and checks the DGrid fields of `extra`; throws naming the first bad one. */
export function dgridExtra(req: Pick<PaymentRequirements, "extra">): DGridPaymentExtra {
  const e = (req.extra ?? {}) as Partial<DGridPaymentExtra>;
  const need = (ok: boolean, field: string) => {
    if (!ok) throw new Error(`payment requirements: extra.${field} is missing or malformed`);
  };
  need(typeof e.modelId === "string" && /^[0-9a-f]{64}$/.test(e.modelId), "modelId");
  need(Number.isSafeInteger(e.redundancy) && (e.redundancy as number) >= 0, "redundancy");
  need(typeof e.inferenceFee === "string" && /^\d+$/.test(e.inferenceFee), "inferenceFee");
  need(typeof e.txFee === "string" && /^\d+$/.test(e.txFee), "txFee");
  need(Number.isSafeInteger(e.gasLimit) && (e.gasLimit as number) > 0, "gasLimit");
  need(typeof e.gasPrice === "string", "gasPrice");
  need(typeof e.inputHash === "string" && /^[0-9a-f]{64}$/.test(e.inputHash), "inputHash");
  need(!!e.inputs && typeof e.inputs === "object" && !Array.isArray(e.inputs), "inputs");
  return e as DGridPaymentExtra;
}

/** The inputs of `extra` as proto NamedTensors (name order), checked against `extra.inputHash`. */
export function extraInputs(extra: DGridPaymentExtra): NamedTensor[] {
  const names = Object.keys(extra.inputs).sort();
  const list = names.map((name) => ({ name, ...tensorFromJson(extra.inputs[name], `input ${name}`) }));
  if (inputHash(list) !== extra.inputHash)
    throw new Error("payment requirements: extra.inputs do not hash to extra.inputHash");
  return list;
}

/** The path of a gateway's paid route for one model: `/v1/models/{id}/infer`. */
export const INFER_PATH = /\/v1\/models\/([0-9a-f]{64})\/infer$/;

/**
 * The inputs of a gateway request body, by name (sorted): `{"inputs": {"NAME": tensor}}`, or one
 * tensor (the CLI's tensor JSON form) for a model whose only input is `inputNames[0]`. The one
 * definition of the body format, used by the gateway to price a call and by a paying client to check
 * that the terms are for the inputs it sent. Throws naming what is wrong; shapes are not checked here.
 */
export function bodyInputs(body: unknown, inputNames: readonly string[]): NamedTensor[] {
  // a bare array goes on to tensorFromJson, which says what a tensor looks like
  if (!body || typeof body !== "object") throw new Error('the body must be {"inputs": {"NAME": tensor}} or one tensor');
  const b = body as Record<string, unknown>;
  let named: Record<string, unknown>;
  if (!Array.isArray(b) && "inputs" in b) {
    if (!b.inputs || typeof b.inputs !== "object" || Array.isArray(b.inputs))
      throw new Error('"inputs" must be an object of tensors by name');
    named = b.inputs as Record<string, unknown>;
  } else if (inputNames.length === 1) {
    named = { [inputNames[0]]: b };
  } else {
    throw new Error(`the model has ${inputNames.length} inputs: give "inputs"`);
  }
  return Object.keys(named)
    .sort()
    .map((name) => ({ name, ...tensorFromJson(named[name] as TensorJson, `input ${name}`) }));
}

/** The input names of `extra.inputSpecs` (proto JSON TensorSpecs). */
export function specNames(extra: Pick<DGridPaymentExtra, "inputSpecs">): string[] {
  return (Array.isArray(extra.inputSpecs) ? extra.inputSpecs : []).map((s) => String((s as { name?: unknown }).name));
}

/**
 * The MsgRequestInference the requirements ask `requester` to sign: with `inputs` (the caller's own,
 * already checked against `extra.inputHash`) or else the ones `extra` carries.
 */
export function requestForTerms(
  requester: string,
  extra: DGridPaymentExtra,
  inputs: NamedTensor[] = extraInputs(extra),
): MsgRequestInference {
  return MsgRequestInference.fromPartial({
    requester,
    modelId: extra.modelId,
    inputs,
    maxFee: { denom: DGRID_ASSET, amount: extra.inferenceFee },
    redundancy: extra.redundancy,
  });
}

/**
 * The one message a payment tx carries: the request itself (signed by its requester) or a MsgExec by
 * `grantee` of the request made for `requester` (the granter of an InferenceAuthorization).
 */
export function paymentMessage(
  request: MsgRequestInference,
  grantee?: string,
): { typeUrl: string; value: MsgRequestInference | MsgExec } {
  if (!grantee) return { typeUrl: MSG_REQUEST_INFERENCE_TYPE_URL, value: request };
  return {
    typeUrl: MSG_EXEC_TYPE_URL,
    value: MsgExec.fromPartial({
      grantee,
      msgs: [{ typeUrl: MSG_REQUEST_INFERENCE_TYPE_URL, value: MsgRequestInference.encode(request).finish() }],
    }),
  };
}
