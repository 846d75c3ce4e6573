// The x402 facilitator for DGrid (`cosmos:<chain-id>`, scheme exact, asset udgrid): verify a payment
// (decode, hold to the requirements, signature and sequence, not seen before, then the chain's own
// Simulate, so an exceeded or expired authorization, a missing balance or a refused input is found
// before anything is broadcast) and settle it (broadcast; CheckTx refusal = nothing charged; wait for
// inclusion; the request id from the tx's message response).
import type { DeliverTxResponse } from "@cosmjs/stargate";
import type { FacilitatorClient } from "@x402/core/http";
import type {
  PaymentPayload,
  PaymentRequirements,
  SettleResponse,
  SupportedResponse,
  VerifyResponse,
} from "@x402/core/types";
import { MsgExecResponse } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import type pino from "pino";
import { cosmosNetwork, DGRID_SCHEME, X402_VERSION } from "../../client/x402-terms.ts";
import { MsgRequestInferenceResponse } from "../../proto/gen/dgrid/inference/v1/tx.ts";
import {
  checkSignature,
  checkTerms,
  type DecodedPayment,
  decodePayment,
  PaymentError,
  type SignerAccount,
} from "./payment.ts";

/** What the facilitator needs from a node. */
export interface ChainAccess {
  getAccount(address: string): Promise<SignerAccount | null>;
  /** the chain's Simulate of the signed tx; rejects with a ChainRefusal when the tx would fail */
  simulate(txBytes: Uint8Array): Promise<void>;
  /** broadcast_tx_sync then wait for inclusion; rejects with a ChainRefusal when CheckTx refuses it */
  broadcast(txBytes: Uint8Array, timeoutMs: number): Promise<DeliverTxResponse>;
}

/** The chain refused a tx (simulation or CheckTx): nothing was charged. */
export class ChainRefusal extends Error {
  constructor(
    readonly code: number,
    readonly codespace: string,
    readonly log: string,
  ) {
    super(`${log} (codespace ${codespace}, code ${code})`);
    this.name = "ChainRefusal";
  }
}

export interface Settlement extends SettleResponse {
  /** set when success */
  requestId?: string;
  height?: number;
  /** the tx was included but failed: its fee was charged (nothing else) */
  delivered?: DeliverTxResponse;
}

export interface FacilitatorOptions {
  chainId: string;
  /** how many settled tx hashes to remember for replay refusal (beyond them the account sequence refuses) */
  rememberTxs?: number;
}

export class DGridFacilitator implements FacilitatorClient {
  readonly network: `cosmos:${string}`;
  readonly #seen = new Set<string>();

  constructor(
    readonly options: FacilitatorOptions,
    readonly deps: { chain: ChainAccess; logger: pino.Logger },
  ) {
    this.network = cosmosNetwork(options.chainId);
  }

  async getSupported(): Promise<SupportedResponse> {
    return {
      kinds: [{ x402Version: X402_VERSION, scheme: DGRID_SCHEME, network: this.network }],
      extensions: [],
      // the payer signs and pays; the facilitator signs nothing
      signers: { "cosmos:*": [] },
    };
  }

  async verify(payload: PaymentPayload, req: PaymentRequirements): Promise<VerifyResponse> {
    try {
      const p = await this.check(payload, req);
      return { isValid: true, payer: p.payer };
    } catch (e) {
      return invalid(e);
    }
  }

  /** Decodes and checks a payment; throws a PaymentError (or ChainRefusal from the simulation). */
  async check(payload: PaymentPayload, req: PaymentRequirements): Promise<DecodedPayment> {
    if (payload.x402Version !== X402_VERSION)
      throw new PaymentError("invalid_x402_version", `x402Version ${payload.x402Version}; this gateway speaks 2`);
    if (req.scheme !== DGRID_SCHEME)
      throw new PaymentError("unsupported_scheme", `scheme ${req.scheme} is not supported (${DGRID_SCHEME})`);
    if (req.network !== this.network)
      throw new PaymentError("invalid_network", `network ${req.network} is not this facilitator's ${this.network}`);
    const p = decodePayment(payload);
    if (this.#seen.has(p.txHash))
      throw new PaymentError("payment_already_used", `the payment tx ${p.txHash} was already settled`);
    checkTerms(p, req);
    checkSignature(p, this.options.chainId, await this.deps.chain.getAccount(p.signer));
    try {
      await this.deps.chain.simulate(p.txBytes);
    } catch (e) {
      if (e instanceof ChainRefusal) throw new PaymentError(simulationReason(e), e.message);
      throw e;
    }
    return p;
  }

  async settle(payload: PaymentPayload, req: PaymentRequirements, timeoutMs = 60_000): Promise<Settlement> {
    let p: DecodedPayment;
    try {
      p = await this.check(payload, req);
    } catch (e) {
      const v = invalid(e);
      return {
        success: false,
        errorReason: v.invalidReason,
        errorMessage: v.invalidMessage,
        transaction: "",
        network: this.network,
      };
    }
    return this.broadcast(p, timeoutMs);
  }

  /** Broadcasts a checked payment once; a second settle of the same tx is refused. */
  async broadcast(p: DecodedPayment, timeoutMs: number): Promise<Settlement> {
    const base = { transaction: p.txHash, network: this.network, payer: p.payer };
    if (this.#seen.has(p.txHash))
      return {
        ...base,
        success: false,
        errorReason: "payment_already_used",
        errorMessage: `tx ${p.txHash} already settled`,
      };
    this.remember(p.txHash);
    let res: DeliverTxResponse;
    try {
      res = await this.deps.chain.broadcast(p.txBytes, timeoutMs);
    } catch (e) {
      // refused by CheckTx: nothing charged, and the same tx may be tried again once it can pass
      if (e instanceof ChainRefusal) {
        this.#seen.delete(p.txHash);
        return { ...base, success: false, errorReason: "transaction_refused", errorMessage: e.message };
      }
      throw e;
    }
    if (res.code !== 0)
      return {
        ...base,
        success: false,
        errorReason: "transaction_failed",
        errorMessage: `tx ${p.txHash} failed in block ${res.height} with code ${res.code}: ${res.rawLog ?? ""}`,
        delivered: res,
      };
    const requestId = requestIdOf(res);
    this.deps.logger.info({ tx: p.txHash, payer: p.payer, requestId, height: res.height }, "payment settled");
    return { ...base, success: true, requestId, height: res.height, extra: { requestId, height: res.height } };
  }

  private remember(hash: string): void {
    this.#seen.add(hash);
    const max = this.options.rememberTxs ?? 100_000;
    if (this.#seen.size > max) this.#seen.delete(this.#seen.values().next().value as string);
  }
}

/**
 * The x402 reason for a refused simulation: the SDK's insufficient funds (sdk code 5: a balance, or
 * an InferenceAuthorization's spend limit, below the payment) is x402's `insufficient_funds`; any
 * other refusal (expired or missing grant, refused input, ...) is `transaction_simulation_failed`.
 */
export function simulationReason(e: ChainRefusal): string {
  return e.codespace === "sdk" && e.code === 5 ? "insufficient_funds" : "transaction_simulation_failed";
}

function invalid(e: unknown): VerifyResponse & { invalidReason: string; invalidMessage: string } {
  if (e instanceof PaymentError) return { isValid: false, invalidReason: e.reason, invalidMessage: e.message };
  throw e;
}

/** The request id from the tx's message responses (directly or inside MsgExecResponse). */
export function requestIdOf(res: Pick<DeliverTxResponse, "msgResponses">): string | undefined {
  for (const r of res.msgResponses ?? []) {
    if (r.typeUrl === "/dgrid.inference.v1.MsgRequestInferenceResponse")
      return MsgRequestInferenceResponse.decode(r.value).requestId.toString();
    if (r.typeUrl === "/cosmos.authz.v1beta1.MsgExecResponse") {
      const inner = MsgExecResponse.decode(r.value).results[0];
      if (inner) return MsgRequestInferenceResponse.decode(inner).requestId.toString();
    }
  }
  return undefined;
}
