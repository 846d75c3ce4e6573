// A small SDK for talking to a DGrid node from TypeScript: CosmJS clients preset with the "dgrid"
// address prefix and "udgrid" gas price, wallet helpers, and DGridClient, which submits messages
// and waits for their finalized result.
import { stringToPath } from "@cosmjs/crypto";
import { fromHex } from "@cosmjs/encoding";
import {
  DirectSecp256k1HdWallet,
  type EncodeObject,
  type GeneratedType,
  type OfflineSigner,
  Registry,
} from "@cosmjs/proto-signing";
import {
  type Coin,
  type DeliverTxResponse,
  defaultRegistryTypes,
  GasPrice,
  parseCoins,
  QueryClient,
  SigningStargateClient,
  StargateClient,
  type StdFee,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { InferenceResult } from "../proto/gen/dgrid/inference/v1/inference.ts";
import { QueryResultRequest, QueryResultResponse } from "../proto/gen/dgrid/inference/v1/query.ts";
import { MsgRequestInferenceResponse } from "../proto/gen/dgrid/inference/v1/tx.ts";
import type { NamedTensor } from "../proto/gen/dgrid/registry/v1/registry.ts";
import { dgridMsgTypes } from "./dgrid-types.ts";

// the tensor JSON form of requests and results (the CLI's `--input` files)
export { type TensorJson, tensorFromJson, tensorToJson, tensorValues } from "../chain/tensor/json.ts";

export const DGRID_PREFIX = "dgrid";
export const DGRID_DENOM = "udgrid";
export const DGRID_DISPLAY_DENOM = "DGRID";
export const DGRID_DECIMALS = 6;
export const DEFAULT_GAS_PRICE = `0.025${DGRID_DENOM}`;
export const DEFAULT_HD_PATH = "m/44'/118'/0'/0/0";
export const DEFAULT_RPC = "http://127.0.0.1:26657";

export function dgridGasPrice(price: string | GasPrice = DEFAULT_GAS_PRICE): GasPrice {
  return typeof price === "string" ? GasPrice.fromString(price) : price;
}

/** A wallet for a BIP-39 mnemonic on the Cosmos HD path with dgrid addresses. */
export function walletFromMnemonic(mnemonic: string, hdPath = DEFAULT_HD_PATH): Promise<DirectSecp256k1HdWallet> {
  return DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: DGRID_PREFIX, hdPaths: [stringToPath(hdPath)] });
}

/** A fresh wallet with a new 24-word mnemonic (`wallet.mnemonic`). */
export function generateWallet(): Promise<DirectSecp256k1HdWallet> {
  return DirectSecp256k1HdWallet.generate(24, { prefix: DGRID_PREFIX });
}

/** The default CosmJS registry plus any extra message types (e.g. the dgrid modules' messages). */
export function dgridRegistry(extraTypes: Iterable<[string, GeneratedType]> = []): Registry {
  return new Registry([...defaultRegistryTypes, ...extraTypes]);
}

export interface ConnectOptions {
  gasPrice?: string | GasPrice;
  extraTypes?: Iterable<[string, GeneratedType]>;
  broadcastTimeoutMs?: number;
  broadcastPollIntervalMs?: number;
}

export function connectSigningClient(
  rpcUrl: string,
  signer: OfflineSigner,
  opts: ConnectOptions = {},
): Promise<SigningStargateClient> {
  return SigningStargateClient.connectWithSigner(rpcUrl, signer, {
    gasPrice: dgridGasPrice(opts.gasPrice),
    registry: dgridRegistry(opts.extraTypes),
    broadcastTimeoutMs: opts.broadcastTimeoutMs,
    broadcastPollIntervalMs: opts.broadcastPollIntervalMs ?? 500,
  });
}

export function connectQueryClient(rpcUrl: string = DEFAULT_RPC): Promise<StargateClient> {
  return StargateClient.connect(rpcUrl);
}

/** A failed (code != 0) transaction, with its hash, code and log. */
export class TxFailedError extends Error {
  constructor(
    readonly response: DeliverTxResponse,
    /** the module of the error code (from the indexed tx result), when known */
    readonly codespace?: string,
  ) {
    super(
      `tx ${response.transactionHash} failed at height ${response.height} with code ${response.code}: ${response.rawLog ?? ""}`,
    );
    this.name = "TxFailedError";
  }
  get code(): number {
    return this.response.code;
  }
}

/** A tensor for a request: dtype, shape and little-endian row-major bytes. */
export interface RequestTensor {
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

export interface RequestInferenceOptions {
  /** the most to pay, e.g. "3000udgrid" (default: 1000000udgrid) */
  maxFee?: string | Coin;
  /** executors; 0 = the chain's default_redundancy */
  redundancy?: number;
  /** transaction fee (default "auto": simulate) */
  fee?: StdFee | "auto" | number;
  memo?: string;
}

/** One signer account on one node: submit messages and await their finalized result. */
export class DGridClient {
  private constructor(
    readonly signing: SigningStargateClient,
    readonly address: string,
    private readonly comet: Comet38Client,
  ) {}

  /** Connects with the dgrid message types registered (plus any `opts.extraTypes`). */
  static async connect(rpcUrl: string, signer: OfflineSigner, opts: ConnectOptions = {}): Promise<DGridClient> {
    const [account] = await signer.getAccounts();
    if (!account) throw new Error("signer has no accounts");
    const extraTypes = [...dgridMsgTypes, ...(opts.extraTypes ?? [])];
    return new DGridClient(
      await connectSigningClient(rpcUrl, signer, { ...opts, extraTypes }),
      account.address,
      await Comet38Client.connect(rpcUrl),
    );
  }

  /**
   * Submits MsgRequestInference and waits for its inclusion; returns the request id. A request the
   * chain refuses throws (CheckTx: CosmJS BroadcastTxError with code/codespace; in the block:
   * TxFailedError).
   */
  async requestInference(
    modelId: string,
    inputs: Record<string, RequestTensor> | readonly NamedTensor[],
    opts: RequestInferenceOptions = {},
  ): Promise<{ requestId: bigint; height: number; transactionHash: string }> {
    const named: NamedTensor[] = Array.isArray(inputs)
      ? [...(inputs as NamedTensor[])]
      : Object.keys(inputs)
          .sort()
          .map((name) => {
            const t = (inputs as Record<string, RequestTensor>)[name];
            return { name, dtype: t.dtype, shape: [...t.shape], data: t.data };
          });
    const maxFee =
      typeof opts.maxFee === "string"
        ? parseCoins(opts.maxFee)[0]
        : (opts.maxFee ?? { denom: DGRID_DENOM, amount: "1000000" });
    const res = await this.submit(
      [
        {
          typeUrl: "/dgrid.inference.v1.MsgRequestInference",
          value: { requester: this.address, modelId, inputs: named, maxFee, redundancy: opts.redundancy ?? 0 },
        },
      ],
      opts.memo ?? "",
      opts.fee ?? "auto",
    );
    let requestId: bigint | undefined;
    const resp = res.msgResponses?.find((r) => r.typeUrl === "/dgrid.inference.v1.MsgRequestInferenceResponse");
    if (resp) requestId = MsgRequestInferenceResponse.decode(resp.value).requestId;
    if (requestId === undefined) {
      const attr = res.events.find((e) => e.type === "request_created")?.attributes.find((a) => a.key === "request_id");
      if (attr) requestId = BigInt(attr.value);
    }
    if (requestId === undefined) throw new Error(`tx ${res.transactionHash}: no request id in the response`);
    return { requestId, height: res.height, transactionHash: res.transactionHash };
  }

  /** The finalized result of a request, or undefined while it is pending. */
  async getResult(requestId: bigint): Promise<InferenceResult | undefined> {
    const qc = new QueryClient(this.comet);
    try {
      const res = await qc.queryAbci(
        "/dgrid.inference.v1.Query/Result",
        QueryResultRequest.encode({ id: requestId }).finish(),
      );
      return QueryResultResponse.decode(res.value).result;
    } catch (e) {
      if (/not found|code 7|NotFound/i.test(String(e))) return undefined;
      throw e;
    }
  }

  /** Polls until the request is finalized (settled or refunded); rejects after `timeoutMs`. */
  async awaitResult(requestId: bigint, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<InferenceResult> {
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    for (;;) {
      const r = await this.getResult(requestId);
      if (r) return r;
      if (Date.now() > deadline)
        throw new Error(`request ${requestId} not finalized after ${opts.timeoutMs ?? 120_000} ms`);
      await new Promise((res) => setTimeout(res, opts.pollMs ?? 200));
    }
  }

  static async fromMnemonic(rpcUrl: string, mnemonic: string, opts: ConnectOptions = {}): Promise<DGridClient> {
    return DGridClient.connect(rpcUrl, await walletFromMnemonic(mnemonic), opts);
  }

  /** Signs, broadcasts and waits for inclusion; throws TxFailedError unless the tx succeeded. */
  async submit(
    messages: readonly EncodeObject[],
    memo = "",
    fee: StdFee | "auto" | number = "auto",
  ): Promise<DeliverTxResponse> {
    const res = await this.signing.signAndBroadcast(this.address, messages, fee, memo);
    if (res.code !== 0) {
      const codespace = await this.comet
        .tx({ hash: fromHex(res.transactionHash) })
        .then((t) => t.result.codespace)
        .catch(() => undefined);
      throw new TxFailedError(res, codespace);
    }
    return res;
  }

  /** Sends tokens ("1000udgrid" or coins) and waits for the result. */
  send(
    to: string,
    amount: string | readonly Coin[],
    memo = "",
    fee: StdFee | "auto" | number = "auto",
  ): Promise<DeliverTxResponse> {
    const coins = typeof amount === "string" ? parseCoins(amount) : [...amount];
    return this.submit(
      [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: this.address, toAddress: to, amount: coins } }],
      memo,
      fee,
    );
  }

  getBalance(address = this.address, denom = DGRID_DENOM): Promise<Coin> {
    return this.signing.getBalance(address, denom);
  }

  getChainId(): Promise<string> {
    return this.signing.getChainId();
  }

  disconnect(): void {
    this.signing.disconnect();
    this.comet.disconnect();
  }
}
