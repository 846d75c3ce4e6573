// The DGrid scheme for x402 clients (entry: x402.ts): `wrapFetchWithPayment(fetch, createDGridX402Client(signer, opts))`
// answers a gateway's 402 by signing the MsgRequestInference its requirements describe (or a MsgExec
// of it under the owner's InferenceAuthorization when `granter` is set) and retrying with it in
// PAYMENT-SIGNATURE. Nothing is broadcast here: the gateway broadcasts the signed tx.
import { toBase64 } from "@cosmjs/encoding";
import type { OfflineSigner } from "@cosmjs/proto-signing";
import { SigningStargateClient, type StdFee } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { x402Client } from "@x402/core/client";
import type { PaymentPayloadContext, PaymentRequirements, SchemeNetworkClient } from "@x402/core/types";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { NamedTensor } from "../proto/gen/dgrid/registry/v1/registry.ts";
import { signingOptions } from "./config.ts";
import { dgridMsgTypes } from "./dgrid-types.ts";
import {
  bodyInputs,
  COSMOS_NETWORK_PATTERN,
  cosmosNetwork,
  DGRID_ASSET,
  DGRID_SCHEME,
  type DGridPaymentExtra,
  dgridExtra,
  inputHash,
  paymentMessage,
  requestForTerms,
  specNames,
} from "./x402-terms.ts";

export interface DGridX402Options {
  /** the CometBFT RPC of a node of the chain (for the account number, sequence and chain id) */
  rpcUrl: string;
  /** pay from this account's InferenceAuthorization: the signer signs a MsgExec as the grantee */
  granter?: string;
  /** charge the tx fee to this account's fee allowance (fee.granter) */
  feeGranter?: string;
  /** refuse to sign a payment above this many udgrid (default: no cap beyond the authorization) */
  maxAmountPerPayment?: string;
}

/**
 * The call a payment is for, known to the payer (wrapFetchWithDGridPayment reads it from the request
 * it wraps): the terms must be for this model and these inputs, and the signed request carries the
 * payer's own inputs, not the ones the gateway echoed back.
 */
export interface ExpectedCall {
  modelId: string;
  /** the request's JSON body, in the gateway's body format (x402-terms.ts bodyInputs) */
  body: unknown;
}

/** A connected signing client and its chain id, shared by the schemes of one payer. */
export type SigningConnection = Promise<{ client: SigningStargateClient; chainId: string }>;

/** The scheme client for `cosmos:*` networks with asset udgrid. */
export class DGridExactScheme implements SchemeNetworkClient {
  readonly scheme = DGRID_SCHEME;
  #signing?: Promise<{ client: SigningStargateClient; chainId: string }>;

  constructor(
    readonly options: DGridX402Options & { expected?: ExpectedCall },
    readonly deps: { signer: OfflineSigner; connect?: () => SigningConnection },
  ) {}

  async createPaymentPayload(
    x402Version: number,
    req: PaymentRequirements,
    context?: PaymentPayloadContext,
  ): Promise<{ x402Version: number; payload: Record<string, unknown> }> {
    if (req.asset !== DGRID_ASSET) throw new Error(`DGrid x402: asset ${req.asset} is not ${DGRID_ASSET}`);
    const extra = dgridExtra(req);
    const total = BigInt(extra.inferenceFee) + BigInt(extra.txFee);
    if (total.toString() !== req.amount)
      throw new Error(
        `DGrid x402: amount ${req.amount} is not the inference fee ${extra.inferenceFee} + tx fee ${extra.txFee}`,
      );
    const cap = context?.maxAmountPerPayment ?? this.options.maxAmountPerPayment;
    if (cap !== undefined && total > BigInt(cap))
      throw new Error(`DGrid x402: ${total}${DGRID_ASSET} is over the per-payment cap ${cap}${DGRID_ASSET}`);
    const { client, chainId } = await this.signing();
    if (cosmosNetwork(chainId) !== req.network)
      throw new Error(
        `DGrid x402: the node at ${this.options.rpcUrl} is ${chainId}, the payment is for ${req.network}`,
      );
    const [account] = await this.deps.signer.getAccounts();
    if (!account) throw new Error("DGrid x402: the signer has no accounts");
    const requester = this.options.granter ?? account.address;
    const msg = paymentMessage(
      requestForTerms(requester, extra, this.expectedInputs(extra)),
      this.options.granter ? account.address : undefined,
    );
    const fee: StdFee = {
      amount: [{ denom: DGRID_ASSET, amount: extra.txFee }],
      gas: String(extra.gasLimit),
      ...(this.options.feeGranter ? { granter: this.options.feeGranter } : {}),
    };
    const raw = await client.sign(account.address, [msg], fee, "");
    return { x402Version, payload: { transaction: toBase64(TxRaw.encode(raw).finish()) } };
  }

  /**
   * The payer's own inputs when it said what it asked for: the terms must name its model and hash its
   * inputs, else the gateway is asking it to pay for another call. Undefined: take the terms' inputs.
   */
  private expectedInputs(extra: DGridPaymentExtra): NamedTensor[] | undefined {
    const expected = this.options.expected;
    if (!expected) return undefined;
    if (extra.modelId !== expected.modelId)
      throw new Error(`DGrid x402: the terms are for model ${extra.modelId}, the call was for ${expected.modelId}`);
    const inputs = bodyInputs(expected.body, specNames(extra));
    if (inputHash(inputs) !== extra.inputHash)
      throw new Error("DGrid x402: the terms are for other inputs than the ones sent (extra.inputHash differs)");
    return inputs;
  }

  /** One signing client per scheme (or per payer, with deps.connect), connected on first use. */
  private signing(): SigningConnection {
    if (this.deps.connect) return this.deps.connect();
    this.#signing ??= connectSigning(this.options.rpcUrl, this.deps.signer);
    this.#signing.catch(() => {
      this.#signing = undefined;
    });
    return this.#signing;
  }
}

/** A signing client over `rpcUrl` for `signer`, with the DGrid message types, and the chain id. */
export function connectSigning(rpcUrl: string, signer: OfflineSigner): SigningConnection {
  return (async () => {
    const comet = await Comet38Client.connect(rpcUrl);
    const client = SigningStargateClient.createWithSigner(comet, signer, signingOptions({ extraTypes: dgridMsgTypes }));
    return { client, chainId: await client.getChainId() };
  })();
}

/**
 * An x402 client that pays DGrid gateways: the DGrid scheme registered for `cosmos:*`, and udgrid
 * allowed by the client's spend controls (x402 allows only USD stablecoins by default).
 */
export function createDGridX402Client(
  signer: OfflineSigner,
  options: DGridX402Options & { expected?: ExpectedCall },
  deps: { connect?: () => SigningConnection } = {},
): x402Client {
  const scheme = new DGridExactScheme(options, { signer, ...deps });
  return new x402Client().register(COSMOS_NETWORK_PATTERN, scheme).setSpendControls({
    maxAmountPerPayment: false,
    allowedAssets: [
      {
        network: COSMOS_NETWORK_PATTERN,
        asset: DGRID_ASSET,
        ...(options.maxAmountPerPayment ? { maxAmountPerPayment: options.maxAmountPerPayment } : {}),
      },
    ],
  });
}
