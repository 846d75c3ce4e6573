// DGridClient: one node, read-only (`connect`) or with a signer (`connectWithSigner`): typed dgrid
// queries, balances, inference requests and their results (followed over the websocket or polled),
// model registration.
import { fromHex } from "@cosmjs/encoding";
import type { EncodeObject, OfflineSigner } from "@cosmjs/proto-signing";
import {
  type BankExtension,
  type Coin,
  type DeliverTxResponse,
  parseCoins,
  QueryClient,
  SigningStargateClient,
  StargateClient,
  type StdFee,
  setupBankExtension,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { policyFromProto } from "../chain/tensor/agreement.ts";
import type { InferenceItem, InferenceResult, InputBlob } from "../proto/gen/dgrid/inference/v1/inference.ts";
import { MsgRequestInferenceResponse } from "../proto/gen/dgrid/inference/v1/tx.ts";
import type { NamedTensor } from "../proto/gen/dgrid/registry/v1/registry.ts";
import type { MsgRegisterModel } from "../proto/gen/dgrid/registry/v1/tx.ts";
import { BLOB_ENDPOINT_STATUS_KEY, offloadLargeInputs, reachableEndpoint, uploadBlob } from "./blob-upload.ts";
import { type ConnectOptions, DEFAULT_RPC, DGRID_DENOM, signingOptions, walletFromMnemonic } from "./config.ts";
import { dgridMsgTypes } from "./dgrid-types.ts";
import { fetchOutputsByHash } from "./output-fetch.ts";
import { type DGridExtension, isNotFound, type RequestId, setupDGridExtension } from "./queries.ts";
import { namedTensors, type Tensor } from "./tensor.ts";
import { type RequestUpdate, type WatchOptions, watchRequest } from "./watch.ts";

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

/** A tensor for a request: dtype, shape and little-endian row-major bytes (see `tensorFromArray`). */
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
  /**
   * base URL of the node blob endpoint that inputs over the blob_threshold_bytes param are uploaded
   * to (default: the models_url the RPC node advertises in its status)
   */
  blobUrl?: string;
}

/** MsgRegisterModel without the creator (the signer); `pricePerCall` may be a string ("1000udgrid"). */
export type RegisterModelInput = Omit<Partial<MsgRegisterModel>, "creator" | "pricePerCall"> &
  Pick<MsgRegisterModel, "id" | "name"> & { pricePerCall?: Coin | string };

export interface TxOptions {
  fee?: StdFee | "auto" | number;
  memo?: string;
}

export type DGridQueryClient = QueryClient & BankExtension & DGridExtension;

/** A read-only client: queries, balances, results. */
export class DGridClient {
  /** typed queries: `query.registry.models()`, `query.inference.request(id)`, `query.bank.balance(...)` */
  readonly query: DGridQueryClient;

  protected constructor(
    readonly rpcUrl: string,
    readonly comet: Comet38Client,
    readonly stargate: StargateClient,
  ) {
    this.query = QueryClient.withExtensions(comet, setupBankExtension, setupDGridExtension);
  }

  /** A read-only client of the node at `rpcUrl` (CometBFT RPC, http(s)://). */
  static async connect(rpcUrl: string = DEFAULT_RPC): Promise<DGridClient> {
    const comet = await Comet38Client.connect(rpcUrl);
    return new DGridClient(rpcUrl, comet, StargateClient.create(comet));
  }

  /** A client that signs with `signer`'s first account; the dgrid message types are registered (plus `opts.extraTypes`). */
  static async connectWithSigner(
    rpcUrl: string,
    signer: OfflineSigner,
    opts: ConnectOptions = {},
  ): Promise<SigningDGridClient> {
    const [account] = await signer.getAccounts();
    if (!account) throw new Error("signer has no accounts");
    const comet = await Comet38Client.connect(rpcUrl);
    const extraTypes = [...dgridMsgTypes, ...(opts.extraTypes ?? [])];
    const signing = SigningStargateClient.createWithSigner(comet, signer, signingOptions({ ...opts, extraTypes }));
    return new SigningDGridClient(rpcUrl, comet, signing, account.address);
  }

  static async fromMnemonic(rpcUrl: string, mnemonic: string, opts: ConnectOptions = {}): Promise<SigningDGridClient> {
    return DGridClient.connectWithSigner(rpcUrl, await walletFromMnemonic(mnemonic), opts);
  }

  getBalance(address: string, denom = DGRID_DENOM): Promise<Coin> {
    return this.stargate.getBalance(address, denom);
  }

  getChainId(): Promise<string> {
    return this.stargate.getChainId();
  }

  getHeight(): Promise<number> {
    return this.stargate.getHeight();
  }

  /** The finalized result of a request, or undefined while it is pending. */
  async getResult(requestId: RequestId): Promise<InferenceResult | undefined> {
    try {
      return await this.query.inference.result(requestId);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * The request's states as they happen, over the node's websocket: assigned, committed, revealed,
   * then finalized or refunded (with the result), each at most once; see watch.ts.
   */
  watchRequest(requestId: RequestId, opts: WatchOptions = {}): AsyncGenerator<RequestUpdate, void, undefined> {
    return watchRequest(requestId, opts, { rpcUrl: this.rpcUrl, inference: this.query.inference });
  }

  /** Follows the request over the websocket and resolves with its result once settled (finalized, failed or refunded). */
  async waitForResult(
    requestId: RequestId,
    opts: WatchOptions & { onUpdate?: (u: RequestUpdate) => void } = {},
  ): Promise<InferenceResult> {
    for await (const u of this.watchRequest(requestId, opts)) {
      opts.onUpdate?.(u);
      if (u.state === "finalized" || u.state === "refunded") return u.result;
    }
    throw new Error(`request ${requestId}: the watch ended without a result`);
  }

  /** Polls until the request is settled; rejects after `timeoutMs`. Prefer `waitForResult` where a websocket is available. */
  async awaitResult(
    requestId: RequestId,
    opts: { timeoutMs?: number; pollMs?: number } = {},
  ): Promise<InferenceResult> {
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    for (;;) {
      const r = await this.getResult(requestId);
      if (r) return r;
      if (Date.now() > deadline)
        throw new Error(`request ${requestId} not finalized after ${opts.timeoutMs ?? 120_000} ms`);
      await new Promise((res) => setTimeout(res, opts.pollMs ?? 200));
    }
  }

  /**
   * A settled request's outputs: inline ones as the result carries them; outputs revealed by hash
   * (the result's output_ref) fetched from a node's GET /outputs/<sha256> and checked against the
   * reference under the model's policy (output-fetch.ts). `item`: that item of a batch; `url`: the
   * node endpoint (default: the models_url the RPC node advertises). Throws OutputFetchError when no
   * bytes check out, and when the request is not settled.
   */
  async fetchOutputs(
    requestId: RequestId,
    opts: { item?: number; url?: string; fetch?: typeof fetch } = {},
  ): Promise<NamedTensor[]> {
    const result = await this.query.inference.result(requestId);
    const target = opts.item === undefined ? result : result.items[opts.item];
    if (!target) throw new Error(`request ${requestId} has no item ${opts.item}`);
    if (!target.outputRef) return target.outputs;
    const request = await this.query.inference.request(requestId);
    const { model } = await this.query.registry.model(request.modelId);
    const url = opts.url ?? (await this.modelsEndpoint("url"));
    return fetchOutputsByHash(url, target, policyFromProto(model.policy), opts.fetch);
  }

  /**
   * The models_url the RPC node advertises (its model, blob and output endpoint), reachable from here:
   * 0.0.0.0 is replaced by the RPC URL's host (reachableEndpoint).
   */
  protected async modelsEndpoint(option: string): Promise<string> {
    const status = await this.comet.status();
    const url = status.nodeInfo.other.get(BLOB_ENDPOINT_STATUS_KEY);
    if (!url)
      throw new Error(
        `the node at ${this.rpcUrl} advertises no model endpoint (node_info.other.${BLOB_ENDPOINT_STATUS_KEY}): pass ${option}`,
      );
    return reachableEndpoint(url, this.rpcUrl);
  }

  disconnect(): void {
    this.stargate.disconnect();
  }
}

/** One signer account on one node: submit messages and await their result. */
export class SigningDGridClient extends DGridClient {
  constructor(
    rpcUrl: string,
    comet: Comet38Client,
    readonly signing: SigningStargateClient,
    readonly address: string,
  ) {
    super(rpcUrl, comet, signing);
  }

  override getBalance(address = this.address, denom = DGRID_DENOM): Promise<Coin> {
    return super.getBalance(address, denom);
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

  /**
   * Submits MsgRequestInference and waits for its inclusion; returns the request id. A request the
   * chain refuses throws (CheckTx: CosmJS BroadcastTxError with code/codespace; in the block:
   * TxFailedError).
   */
  requestInference(
    modelId: string,
    inputs: Record<string, RequestTensor | Tensor> | readonly NamedTensor[],
    opts: RequestInferenceOptions = {},
  ): Promise<{ requestId: bigint; height: number; transactionHash: string }> {
    return this.submitRequest(
      modelId,
      { inputs: namedTensors(inputs as Record<string, Tensor> | readonly NamedTensor[]), items: [] },
      opts,
    );
  }

  /**
   * Submits a batched MsgRequestInference: one input set per item (at most the max_batch param, all
   * of the same shapes), one fee of price x items x redundancy. Results per item: Query/Result
   * (`result(id).items`, or `resultItem(id, i)` with its Merkle path).
   */
  requestInferenceBatch(
    modelId: string,
    items: readonly (Record<string, RequestTensor | Tensor> | readonly NamedTensor[])[],
    opts: RequestInferenceOptions = {},
  ): Promise<{ requestId: bigint; height: number; transactionHash: string }> {
    const sets = items.map((i) => ({ inputs: namedTensors(i as Record<string, Tensor> | readonly NamedTensor[]) }));
    return this.submitRequest(modelId, { inputs: [], items: sets }, opts);
  }

  /** The node blob endpoint: opts.blobUrl, else the models_url the RPC node advertises. */
  private async blobEndpoint(opts: RequestInferenceOptions): Promise<string> {
    return opts.blobUrl ?? this.modelsEndpoint("blobUrl");
  }

  /** Inputs over the blob_threshold_bytes param uploaded as blobs (README.md#blobs), the rest unchanged. */
  private async withBlobs(
    what: { inputs: NamedTensor[]; items: { inputs: NamedTensor[] }[] },
    opts: RequestInferenceOptions,
  ): Promise<{ inputs: NamedTensor[]; items: InferenceItem[]; inputBlobs: InputBlob[] }> {
    const sets = what.items.length > 0 ? what.items.map((i) => i.inputs) : [what.inputs];
    const largest = Math.max(0, ...sets.flat().map((t) => t.data.length));
    const plain = {
      inputs: what.inputs,
      items: what.items.map((i) => ({ inputs: i.inputs, blobs: [] })),
      inputBlobs: [],
    };
    // small requests skip the params query: only a tensor above the smallest sane threshold can need it
    if (largest <= 1024) return plain;
    const threshold = (await this.query.inference.params()).blobThresholdBytes;
    if (threshold === 0n || BigInt(largest) <= threshold) return plain;
    const base = await this.blobEndpoint(opts);
    const upload = (bytes: Uint8Array) => uploadBlob(base, bytes);
    const done = await Promise.all(sets.map((inputs) => offloadLargeInputs(inputs, threshold, upload)));
    if (what.items.length > 0)
      return { inputs: [], items: done.map((d) => ({ inputs: d.inputs, blobs: d.blobs })), inputBlobs: [] };
    return { inputs: done[0].inputs, items: [], inputBlobs: done[0].blobs };
  }

  private async submitRequest(
    modelId: string,
    request: { inputs: NamedTensor[]; items: { inputs: NamedTensor[] }[] },
    opts: RequestInferenceOptions,
  ): Promise<{ requestId: bigint; height: number; transactionHash: string }> {
    const what = await this.withBlobs(request, opts);
    const maxFee =
      typeof opts.maxFee === "string"
        ? parseCoins(opts.maxFee)[0]
        : (opts.maxFee ?? { denom: DGRID_DENOM, amount: "1000000" });
    const value = {
      requester: this.address,
      modelId,
      ...what,
      maxFee,
      redundancy: opts.redundancy ?? 0,
    };
    const res = await this.submit(
      [{ typeUrl: "/dgrid.inference.v1.MsgRequestInference", value }],
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

  /**
   * Submits MsgRegisterModel with this account as the creator. The ONNX file must already be on a
   * node's model endpoint (`dgrid tx registry register-model` uploads it) so validators can fetch it.
   */
  async registerModel(
    model: RegisterModelInput,
    opts: TxOptions = {},
  ): Promise<{ modelId: string; height: number; transactionHash: string }> {
    const pricePerCall =
      typeof model.pricePerCall === "string" ? parseCoins(model.pricePerCall)[0] : model.pricePerCall;
    const res = await this.submit(
      [{ typeUrl: "/dgrid.registry.v1.MsgRegisterModel", value: { ...model, pricePerCall, creator: this.address } }],
      opts.memo ?? "",
      opts.fee ?? "auto",
    );
    return { modelId: model.id, height: res.height, transactionHash: res.transactionHash };
  }
}
