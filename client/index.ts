// A small SDK for talking to a DGrid node from TypeScript: CosmJS clients preset with the "dgrid"
// address prefix and "udgrid" gas price, wallet helpers, and DGridClient, which submits messages
// and waits for their finalized result.
import { stringToPath } from "@cosmjs/crypto";
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
  SigningStargateClient,
  StargateClient,
  type StdFee,
} from "@cosmjs/stargate";

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
  constructor(readonly response: DeliverTxResponse) {
    super(
      `tx ${response.transactionHash} failed at height ${response.height} with code ${response.code}: ${response.rawLog ?? ""}`,
    );
    this.name = "TxFailedError";
  }
}

/** One signer account on one node: submit messages and await their finalized result. */
export class DGridClient {
  private constructor(
    readonly signing: SigningStargateClient,
    readonly address: string,
  ) {}

  static async connect(rpcUrl: string, signer: OfflineSigner, opts: ConnectOptions = {}): Promise<DGridClient> {
    const [account] = await signer.getAccounts();
    if (!account) throw new Error("signer has no accounts");
    return new DGridClient(await connectSigningClient(rpcUrl, signer, opts), account.address);
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
    if (res.code !== 0) throw new TxFailedError(res);
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
  }
}
