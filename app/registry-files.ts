// Wallet and registry files for a DGrid network, from the chain's constants: cosmos/chain-registry's
// chain.json and assetlist.json (what explorers such as Ping.pub and wallet backends read), and
// Keplr's ChainInfo. `dgrid chain-registry --out DIR` writes them (app/cli/chain-registry.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BASE_DENOM,
  BECH32_PREFIXES,
  DENOM_DECIMALS,
  DISPLAY_DENOM,
  GAS_PRICES,
  SLIP44_COIN_TYPE,
} from "../client/chain-constants.ts";
import { type KeplrChainInfo, keplrChainInfo } from "../client/keplr.ts";
import { APP_VERSION } from "./app.ts";
import { DEVNET_CHAIN_ID } from "./devnet.ts";
import { LOCALNET_CHAIN_ID } from "./localnet.ts";

import { DEFAULT_ENDPOINTS, type Endpoints, type NetworkName } from "./network-endpoints.ts";

export { DEFAULT_ENDPOINTS, type Endpoints, type NetworkName };

export const NETWORKS: Record<NetworkName, { chainId: string; chainName: string; prettyName: string }> = {
  localnet: { chainId: LOCALNET_CHAIN_ID, chainName: "dgridlocalnet", prettyName: "DGrid Localnet" },
  devnet: { chainId: DEVNET_CHAIN_ID, chainName: "dgriddevnet", prettyName: "DGrid Devnet" },
};

export interface ChainRegistryOptions {
  network: NetworkName;
  /** default: the network's chain id */
  chainId?: string;
  /** default: DEFAULT_ENDPOINTS of the network */
  endpoints?: Partial<Endpoints>;
}

export interface WalletFiles {
  "chain.json": Record<string, unknown>;
  "assetlist.json": Record<string, unknown>;
  "keplr.json": KeplrChainInfo;
}

/** chain.json, assetlist.json (cosmos/chain-registry, as under its testnets/<chain>/) and keplr.json. */
export function chainRegistryFiles(options: ChainRegistryOptions): WalletFiles {
  const net = NETWORKS[options.network];
  if (!net) throw new Error(`unknown network "${options.network}" (localnet or devnet)`);
  const chainId = options.chainId ?? net.chainId;
  const endpoints = { ...DEFAULT_ENDPOINTS[options.network], ...options.endpoints };
  const api = (address: string) => [{ address, provider: net.prettyName }];
  const p = BECH32_PREFIXES;
  const chain = {
    $schema: "../../chain.schema.json",
    chain_name: net.chainName,
    chain_type: "cosmos",
    chain_id: chainId,
    pretty_name: net.prettyName,
    status: "live",
    network_type: "devnet",
    bech32_prefix: p.accAddr,
    bech32_config: {
      bech32PrefixAccAddr: p.accAddr,
      bech32PrefixAccPub: p.accPub,
      bech32PrefixValAddr: p.valAddr,
      bech32PrefixValPub: p.valPub,
      bech32PrefixConsAddr: p.consAddr,
      bech32PrefixConsPub: p.consPub,
    },
    daemon_name: "dgrid",
    node_home: "$HOME/.dgrid",
    key_algos: ["secp256k1"],
    slip44: SLIP44_COIN_TYPE,
    fees: {
      fee_tokens: [
        {
          denom: BASE_DENOM,
          fixed_min_gas_price: GAS_PRICES.min,
          low_gas_price: GAS_PRICES.low,
          average_gas_price: GAS_PRICES.average,
          high_gas_price: GAS_PRICES.high,
        },
      ],
    },
    staking: { staking_tokens: [{ denom: BASE_DENOM }] },
    // the protocol levels DGrid speaks (its node is TypeScript): tools pick their API shapes from these
    codebase: {
      recommended_version: `v${APP_VERSION}`,
      language: { type: "other" },
      sdk: { type: "cosmos", version: "v0.50" },
      consensus: { type: "cometbft", version: "v0.38" },
    },
    apis: { rpc: api(endpoints.rpc), rest: api(endpoints.rest), grpc: api(endpoints.grpc) },
    keywords: ["ai", "inference", "onnx"],
  };
  const assetlist = {
    $schema: "../../assetlist.schema.json",
    chain_name: net.chainName,
    assets: [
      {
        description: "The staking and fee token of DGrid; it pays for inference requests.",
        denom_units: [
          { denom: BASE_DENOM, exponent: 0 },
          { denom: DISPLAY_DENOM.toLowerCase(), exponent: DENOM_DECIMALS },
        ],
        type_asset: "sdk.coin",
        base: BASE_DENOM,
        name: "DGrid",
        display: DISPLAY_DENOM.toLowerCase(),
        symbol: DISPLAY_DENOM,
      },
    ],
  };
  const keplr = keplrChainInfo({ chainId, chainName: net.prettyName, rpc: endpoints.rpc, rest: endpoints.rest });
  return { "chain.json": chain, "assetlist.json": assetlist, "keplr.json": keplr };
}

/** Writes the files into `dir` (created if missing); returns their paths. */
export function writeWalletFiles(dir: string, files: WalletFiles): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, content]) => {
    const path = join(dir, name);
    writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
    return path;
  });
}
