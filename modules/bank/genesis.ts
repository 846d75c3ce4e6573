// x/bank genesis: params, balances, supply (computed from balances; if given it must match), denom
// metadata and send-enabled entries. JSON in the SDK's snake_case shape.
import type { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import {
  type Coin,
  coinsEqual,
  coinsToString,
  fromProtoCoins,
  normalizeCoins,
  toProtoCoins,
  validateCoins,
  validateDenom,
} from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { addressFromString } from "../../chain/types/address.ts";
import { ErrDuplicateEntry } from "./errors.ts";
import type { BankKeeper } from "./keeper.ts";
import { type ParamsJson, paramsFromJson, paramsToJson } from "./params.ts";

type ProtoCoin = { denom: string; amount: string };

export interface MetadataJson {
  description: string;
  denom_units: { denom: string; exponent: number; aliases: string[] }[];
  base: string;
  display: string;
  name: string;
  symbol: string;
  uri: string;
  uri_hash: string;
}

export interface GenesisJson {
  params: ParamsJson;
  balances: { address: string; coins: ProtoCoin[] }[];
  supply: ProtoCoin[];
  denom_metadata: MetadataJson[];
  send_enabled: { denom: string; enabled: boolean }[];
}

export const BondDenom = "udgrid";

export function udgridMetadata(): MetadataJson {
  return {
    description: "The native token of DGrid",
    denom_units: [
      { denom: "udgrid", exponent: 0, aliases: ["microdgrid"] },
      { denom: "mdgrid", exponent: 3, aliases: ["millidgrid"] },
      { denom: "dgrid", exponent: 6, aliases: [] },
    ],
    base: "udgrid",
    display: "dgrid",
    name: "DGrid",
    symbol: "DGRID",
    uri: "",
    uri_hash: "",
  };
}

export function defaultGenesis(): GenesisJson {
  return {
    params: paramsToJson({ sendEnabled: [], defaultSendEnabled: true }),
    balances: [],
    supply: [],
    denom_metadata: [udgridMetadata()],
    send_enabled: [],
  };
}

export function metadataFromJson(j: MetadataJson): Metadata {
  return {
    description: String(j.description ?? ""),
    denomUnits: (j.denom_units ?? []).map((u) => ({
      denom: String(u.denom),
      exponent: Number(u.exponent ?? 0),
      aliases: (u.aliases ?? []).map(String),
    })),
    base: String(j.base ?? ""),
    display: String(j.display ?? ""),
    name: String(j.name ?? ""),
    symbol: String(j.symbol ?? ""),
    uri: String(j.uri ?? ""),
    uriHash: String(j.uri_hash ?? ""),
  };
}

export function metadataToJson(m: Metadata): MetadataJson {
  return {
    description: m.description,
    denom_units: m.denomUnits.map((u) => ({ denom: u.denom, exponent: u.exponent, aliases: [...u.aliases] })),
    base: m.base,
    display: m.display,
    name: m.name,
    symbol: m.symbol,
    uri: m.uri,
    uri_hash: m.uriHash,
  };
}

function parseGenesis(json: unknown): GenesisJson {
  const j = (json ?? {}) as Partial<GenesisJson>;
  return {
    params: paramsToJson(paramsFromJson(j.params)),
    balances: j.balances ?? [],
    supply: j.supply ?? [],
    denom_metadata: j.denom_metadata ?? [],
    send_enabled: j.send_enabled ?? [],
  };
}

/** GenesisState.Validate: valid addresses and coins, no duplicate addresses / metadata, supply valid. */
export function validateGenesis(json: unknown): void {
  const g = parseGenesis(json);
  const seen = new Set<string>();
  for (const b of g.balances) {
    addressFromString(b.address);
    if (seen.has(b.address)) throw ErrDuplicateEntry.wrap(`duplicate balance for address ${b.address}`);
    seen.add(b.address);
    validateCoins(fromProtoCoins(b.coins));
  }
  validateCoins(fromProtoCoins(g.supply));
  const bases = new Set<string>();
  for (const m of g.denom_metadata) {
    validateDenom(m.base);
    if (bases.has(m.base)) throw ErrDuplicateEntry.wrap(`duplicate client metadata for denom ${m.base}`);
    bases.add(m.base);
  }
  for (const s of g.send_enabled) validateDenom(s.denom);
}

export async function initGenesis(ctx: Context, keeper: BankKeeper, json: unknown): Promise<void> {
  validateGenesis(json);
  const g = parseGenesis(json);
  keeper.setParams(ctx, paramsFromJson(g.params));
  for (const s of g.send_enabled) keeper.setSendEnabled(ctx, s.denom, s.enabled);
  let total: Coin[] = [];
  for (const b of g.balances) {
    const coins = fromProtoCoins(b.coins);
    // through the keeper: the denom -> address index is built with the balances (derived state, so an
    // exported genesis, which does not carry it, rebuilds it on import)
    for (const c of coins) keeper.setBalance(ctx, b.address, c);
    total = normalizeCoins([...total, ...coins]);
  }
  const given = fromProtoCoins(g.supply);
  if (given.length > 0 && !coinsEqual(given, total)) {
    throw ErrInvalidRequest.wrap(
      `genesis supply is incorrect, expected ${coinsToString(given)}, got ${coinsToString(total)}`,
    );
  }
  for (const c of total) keeper.setSupply(ctx, c);
  for (const m of g.denom_metadata) keeper.setDenomMetaData(ctx, metadataFromJson(m));
}

export async function exportGenesis(ctx: Context, keeper: BankKeeper): Promise<GenesisJson> {
  const byAddr = new Map<string, Coin[]>();
  await keeper.iterateAllBalances(ctx, (address, c) => {
    const list = byAddr.get(address);
    if (list) list.push(c);
    else byAddr.set(address, [c]);
    return undefined;
  });
  // store order is by address bytes, as the SDK's sanitized genesis
  const balances = [...byAddr.entries()].map(([address, coins]) => ({ address, coins: toProtoCoins(coins) }));
  return {
    params: paramsToJson(await keeper.getParams(ctx)),
    balances,
    supply: toProtoCoins(await keeper.getTotalSupply(ctx)),
    denom_metadata: (await keeper.getAllDenomMetaData(ctx)).map(metadataToJson),
    send_enabled: await keeper.getSendEnabledEntries(ctx),
  };
}
