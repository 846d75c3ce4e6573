// The DGrid scheme for x402 clients: `wrapFetchWithPayment(fetch, createDGridX402Client(signer, opts))`
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
import { signingOptions } from "./config.ts";
import { dgridMsgTypes } from "./dgrid-types.ts";
import {
  COSMOS_NETWORK_PATTERN,
  cosmosNetwork,
  DGRID_ASSET,
  DGRID_SCHEME,
  dgridExtra,
  paymentMessage,
  requestForTerms,
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

/** The scheme client for `cosmos:*` networks with asset udgrid. */
export class DGridExactScheme implements SchemeNetworkClient {
  readonly scheme = DGRID_SCHEME;
  #signing?: Promise<{ client: SigningStargateClient; chainId: string }>;

  constructor(
    readonly options: DGridX402Options,
    readonly deps: { signer: OfflineSigner },
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
    const msg = paymentMessage(requestForTerms(requester, extra), this.options.granter ? account.address : undefined);
    const fee: StdFee = {
      amount: [{ denom: DGRID_ASSET, amount: extra.txFee }],
      gas: String(extra.gasLimit),
      ...(this.options.feeGranter ? { granter: this.options.feeGranter } : {}),
    };
    const raw = await client.sign(account.address, [msg], fee, "");
    return { x402Version, payload: { transaction: toBase64(TxRaw.encode(raw).finish()) } };
  }

  /** One signing client per scheme, connected on first use. */
  private signing(): Promise<{ client: SigningStargateClient; chainId: string }> {
    this.#signing ??= (async () => {
      const comet = await Comet38Client.connect(this.options.rpcUrl);
      const client = SigningStargateClient.createWithSigner(
        comet,
        this.deps.signer,
        signingOptions({ extraTypes: dgridMsgTypes }),
      );
      return { client, chainId: await client.getChainId() };
    })();
    this.#signing.catch(() => {
      this.#signing = undefined;
    });
    return this.#signing;
  }
}

/**
 * An x402 client that pays DGrid gateways: the DGrid scheme registered for `cosmos:*`, and udgrid
 * allowed by the client's spend controls (x402 allows only USD stablecoins by default).
 */
export function createDGridX402Client(signer: OfflineSigner, options: DGridX402Options): x402Client {
  return new x402Client().register(COSMOS_NETWORK_PATTERN, new DGridExactScheme(options, { signer })).setSpendControls({
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
