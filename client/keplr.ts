// Keplr's ChainInfo for a DGrid network, for `window.keplr.experimentalSuggestChain(info)`. The
// interfaces follow Keplr's documented ChainInfo (docs.keplr.app, "Suggest chain"); typed here so the
// client needs no Keplr package.
import type { OfflineSigner } from "@cosmjs/proto-signing";
import {
  BASE_DENOM,
  BECH32_PREFIXES,
  DENOM_DECIMALS,
  DISPLAY_DENOM,
  GAS_PRICES,
  SLIP44_COIN_TYPE,
} from "./chain-constants.ts";

export interface KeplrCurrency {
  coinDenom: string;
  coinMinimalDenom: string;
  coinDecimals: number;
  coinGeckoId?: string;
  coinImageUrl?: string;
}

export interface KeplrFeeCurrency extends KeplrCurrency {
  gasPriceStep?: { low: number; average: number; high: number };
}

export interface KeplrBech32Config {
  bech32PrefixAccAddr: string;
  bech32PrefixAccPub: string;
  bech32PrefixValAddr: string;
  bech32PrefixValPub: string;
  bech32PrefixConsAddr: string;
  bech32PrefixConsPub: string;
}

/** The part of Keplr's `window.keplr` a DGrid page uses: suggest the chain, enable it, sign with it. */
export interface KeplrWallet {
  experimentalSuggestChain(info: KeplrChainInfo): Promise<void>;
  enable(chainId: string): Promise<void>;
  getOfflineSigner(chainId: string): OfflineSigner;
}

export interface KeplrChainInfo {
  rpc: string;
  rest: string;
  chainId: string;
  chainName: string;
  stakeCurrency: KeplrCurrency;
  walletUrlForStaking?: string;
  bip44: { coinType: number };
  bech32Config: KeplrBech32Config;
  currencies: KeplrCurrency[];
  feeCurrencies: KeplrFeeCurrency[];
  features?: string[];
  beta?: boolean;
}

export interface KeplrChainInfoOptions {
  chainId: string;
  /** shown in the wallet; default "DGrid <chainId>" */
  chainName?: string;
  /** CometBFT RPC URL (http://127.0.0.1:26657) */
  rpc: string;
  /** REST (LCD) URL (http://127.0.0.1:1317) */
  rest: string;
}

const DGRID: KeplrCurrency = { coinDenom: DISPLAY_DENOM, coinMinimalDenom: BASE_DENOM, coinDecimals: DENOM_DECIMALS };

/** The ChainInfo Keplr needs to add a DGrid network. */
export function keplrChainInfo(options: KeplrChainInfoOptions): KeplrChainInfo {
  for (const [name, url] of [
    ["rpc", options.rpc],
    ["rest", options.rest],
  ] as const) {
    if (!/^https?:\/\/[^/\s]+/.test(url))
      throw new Error(`keplrChainInfo: ${name} must be an http(s) URL, got "${url}"`);
  }
  if (options.chainId === "") throw new Error("keplrChainInfo: chainId is required");
  const p = BECH32_PREFIXES;
  return {
    rpc: options.rpc,
    rest: options.rest,
    chainId: options.chainId,
    chainName: options.chainName ?? `DGrid ${options.chainId}`,
    stakeCurrency: { ...DGRID },
    bip44: { coinType: SLIP44_COIN_TYPE },
    bech32Config: {
      bech32PrefixAccAddr: p.accAddr,
      bech32PrefixAccPub: p.accPub,
      bech32PrefixValAddr: p.valAddr,
      bech32PrefixValPub: p.valPub,
      bech32PrefixConsAddr: p.consAddr,
      bech32PrefixConsPub: p.consPub,
    },
    currencies: [{ ...DGRID }],
    feeCurrencies: [
      { ...DGRID, gasPriceStep: { low: GAS_PRICES.low, average: GAS_PRICES.average, high: GAS_PRICES.high } },
    ],
    // protobuf txs (no legacy amino StdTx broadcast); no IBC on DGrid, so no ibc-transfer
    features: ["stargate", "no-legacy-stdTx"],
  };
}
