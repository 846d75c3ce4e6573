// What the gateway asks for one inference: the body's inputs checked against the model's specs, and
// the x402 v2 PaymentRequirements (scheme exact, network cosmos:<chain-id>, asset udgrid) whose amount
// is the escrowed inference fee (price_per_call x redundancy) plus the tx fee (gas limit x gas price,
// rounded up, as CosmJS calculateFee does).
import { calculateFee, GasPrice } from "@cosmjs/stargate";
import type { PaymentRequired, PaymentRequirements } from "@x402/core/types";
import { tensorToJson } from "../../chain/tensor/json.ts";
import { matchSpecs } from "../../chain/tensor/spec.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import {
  bodyInputs,
  cosmosNetwork,
  DGRID_ASSET,
  DGRID_SCHEME,
  type DGridPaymentExtra,
  inputHash,
  X402_VERSION,
} from "../../client/x402-terms.ts";
import { EscrowAccountName } from "../../modules/inference/keys.ts";
import { type Model, type NamedTensor, TensorSpec } from "../../proto/gen/dgrid/registry/v1/registry.ts";

/** A request the gateway refuses before any payment: HTTP status and reason. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

export interface PricingOptions {
  chainId: string;
  /** gas limit the payment tx must declare */
  gasLimit: number;
  /** e.g. "0.025udgrid": at or above the nodes' minimum-gas-prices */
  gasPrice: string;
  /** how long the gateway follows a paid request before giving up */
  maxTimeoutSeconds: number;
}

/**
 * The body's inputs: `{"inputs": {"name": tensor}}`, or one tensor (the CLI's tensor JSON form) for
 * a model with one input. Checked against the model's input specs; a 400 names what is wrong.
 */
export function parseInputs(body: unknown, model: Model): NamedTensor[] {
  let list: NamedTensor[];
  try {
    list = bodyInputs(
      body,
      model.inputs.map((s) => s.name),
    );
  } catch (e) {
    throw new GatewayError(400, "invalid_input", `${(e as Error).message} (model ${model.id})`);
  }
  try {
    matchSpecs(model.inputs, list, "inputs");
  } catch (e) {
    throw new GatewayError(400, "invalid_input", `${(e as Error).message} (model ${model.id})`);
  }
  return list;
}

/** The tx fee for `gasLimit` at `gasPrice`, in udgrid. */
export function txFee(gasLimit: number, gasPrice: string): bigint {
  const fee = calculateFee(gasLimit, GasPrice.fromString(gasPrice));
  const coin = fee.amount[0];
  if (!coin || coin.denom !== DGRID_ASSET) throw new Error(`gas price ${gasPrice} is not in ${DGRID_ASSET}`);
  return BigInt(coin.amount);
}

/**
 * The requirements for running `model` on `inputs` with `redundancy` executors. payTo is the
 * inference module's escrow account: the fee goes there at inclusion and is paid out to the creator,
 * the agreeing executors and the community pool at finalization (or back to the payer on a refund);
 * the tx fee goes to the fee collector like any tx fee.
 */
export function requirementsFor(
  model: Model,
  inputs: readonly NamedTensor[],
  redundancy: number,
  pricing: PricingOptions,
): PaymentRequirements {
  const price = model.pricePerCall ?? { denom: DGRID_ASSET, amount: "0" };
  if (price.denom !== DGRID_ASSET)
    throw new GatewayError(
      400,
      "unsupported_price",
      `model ${model.id} is priced in ${price.denom}, not ${DGRID_ASSET}`,
    );
  const inferenceFee = BigInt(price.amount) * BigInt(redundancy);
  const fee = txFee(pricing.gasLimit, pricing.gasPrice);
  const extra: DGridPaymentExtra = {
    modelId: model.id,
    redundancy,
    inferenceFee: inferenceFee.toString(),
    txFee: fee.toString(),
    gasLimit: pricing.gasLimit,
    gasPrice: pricing.gasPrice,
    inputHash: inputHash(inputs),
    inputs: Object.fromEntries(inputs.map((t) => [t.name, tensorToJson(t as Parameters<typeof tensorToJson>[0])])),
    inputSpecs: model.inputs.map((s) => TensorSpec.toJSON(s)),
    outputSpecs: model.outputs.map((s) => TensorSpec.toJSON(s)),
  };
  return {
    scheme: DGRID_SCHEME,
    network: cosmosNetwork(pricing.chainId),
    asset: DGRID_ASSET,
    amount: (inferenceFee + fee).toString(),
    payTo: moduleAddress(EscrowAccountName),
    maxTimeoutSeconds: pricing.maxTimeoutSeconds,
    extra: extra as unknown as Record<string, unknown>,
  };
}

/** The PAYMENT-REQUIRED object for one resource. */
export function paymentRequired(url: string, model: Model, req: PaymentRequirements, error?: string): PaymentRequired {
  return {
    x402Version: X402_VERSION,
    ...(error ? { error } : {}),
    resource: {
      url,
      description: `DGrid inference of ${model.name || model.id} (${model.id}), verified by the chain's executors`,
      mimeType: "application/json",
    },
    accepts: [req],
  };
}

/** The fields of an offered requirement a payment's `accepted` must repeat unchanged. */
export function sameTerms(a: PaymentRequirements, b: PaymentRequirements): string | undefined {
  for (const k of ["scheme", "network", "asset", "amount", "payTo"] as const)
    if (a[k] !== b[k]) return `accepted.${k} ${JSON.stringify(a[k])} differs from the offered ${JSON.stringify(b[k])}`;
  for (const k of ["modelId", "redundancy", "inferenceFee", "txFee", "gasLimit", "inputHash"])
    if (a.extra?.[k] !== b.extra?.[k])
      return `accepted.extra.${k} ${JSON.stringify(a.extra?.[k])} differs from the offered ${JSON.stringify(b.extra?.[k])}`;
  return undefined;
}
