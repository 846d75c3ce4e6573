// DGrid's chain constants (address prefix, denom, gas price, HD path), wallets, the CosmJS registry
// with the dgrid message types and CosmJS clients preset with them.
import { stringToPath } from "@cosmjs/crypto";
import { DirectSecp256k1HdWallet, type GeneratedType, type OfflineSigner, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { dgridAminoTypes } from "./amino-converters.ts";
import {
  BASE_DENOM,
  BECH32_PREFIXES,
  DENOM_DECIMALS,
  DISPLAY_DENOM,
  GAS_PRICES,
  SLIP44_COIN_TYPE,
} from "./chain-constants.ts";

export const DGRID_PREFIX = BECH32_PREFIXES.accAddr;
export const DGRID_DENOM = BASE_DENOM;
export const DGRID_DISPLAY_DENOM = DISPLAY_DENOM;
export const DGRID_DECIMALS = DENOM_DECIMALS;
export const DEFAULT_GAS_PRICE = `${GAS_PRICES.average}${DGRID_DENOM}`;
export const DEFAULT_HD_PATH = `m/44'/${SLIP44_COIN_TYPE}'/0'/0/0`;
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

/** A CosmJS signing client with the dgrid gas price; `opts.extraTypes` adds message types. */
export function connectSigningClient(
  rpcUrl: string,
  signer: OfflineSigner,
  opts: ConnectOptions = {},
): Promise<SigningStargateClient> {
  return SigningStargateClient.connectWithSigner(rpcUrl, signer, signingOptions(opts));
}

export function signingOptions(opts: ConnectOptions) {
  return {
    gasPrice: dgridGasPrice(opts.gasPrice),
    registry: dgridRegistry(opts.extraTypes),
    // amino-only signers (Ledger, Keplr's amino mode) sign DGrid, authz, feegrant and gov v1 Msgs too
    aminoTypes: dgridAminoTypes(),
    broadcastTimeoutMs: opts.broadcastTimeoutMs,
    broadcastPollIntervalMs: opts.broadcastPollIntervalMs ?? 500,
  };
}

export function connectQueryClient(rpcUrl: string = DEFAULT_RPC): Promise<StargateClient> {
  return StargateClient.connect(rpcUrl);
}
