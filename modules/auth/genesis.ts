// x/auth genesis: params and accounts (Any JSON with "@type"). Init keeps account numbers and moves
// the global counter past them, then ensures the fee collector exists (SDK InitGenesis).
import type { Context } from "../../chain/baseapp/context.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { addressFromString } from "../../chain/types/address.ts";
import { type Account, accountFromJson, accountToJson } from "./account.ts";
import type { AccountKeeper } from "./keeper.ts";
import { defaultParams, type ParamsJson, paramsFromJson, paramsToJson, validateParams } from "./params.ts";

export interface GenesisJson {
  params: ParamsJson;
  accounts: Record<string, unknown>[];
}

export function defaultGenesis(): GenesisJson {
  return { params: paramsToJson(defaultParams()), accounts: [] };
}

function parse(json: unknown): { params: ReturnType<typeof paramsFromJson>; accounts: Account[] } {
  const j = (json ?? {}) as Partial<GenesisJson>;
  return { params: paramsFromJson(j.params), accounts: (j.accounts ?? []).map(accountFromJson) };
}

/** ValidateGenesis: params valid, addresses valid, no duplicate addresses or account numbers. */
export function validateGenesis(json: unknown): void {
  const g = parse(json);
  validateParams(g.params);
  const addrs = new Set<string>();
  const nums = new Set<bigint>();
  for (const a of g.accounts) {
    addressFromString(a.address);
    if (addrs.has(a.address))
      throw ErrInvalidRequest.wrap(`duplicate account found in genesis state; address: ${a.address}`);
    if (nums.has(a.accountNumber))
      throw ErrInvalidRequest.wrap(`duplicate account number ${a.accountNumber} in genesis state`);
    addrs.add(a.address);
    nums.add(a.accountNumber);
  }
}

export async function initGenesis(ctx: Context, keeper: AccountKeeper, json: unknown): Promise<void> {
  validateGenesis(json);
  const g = parse(json);
  keeper.setParams(ctx, g.params);
  // accounts sorted by number so the counter ends past the highest, whatever the file order
  const accounts = [...g.accounts].sort((a, b) =>
    a.accountNumber < b.accountNumber ? -1 : a.accountNumber > b.accountNumber ? 1 : 0,
  );
  for (const acc of accounts) {
    while ((await keeper.nextAccountNumber(ctx)) < acc.accountNumber) {
      // advance the counter to this account's number
    }
    keeper.setAccount(ctx, acc);
  }
  // every registered module account exists from genesis (SDK v0.50: each module's InitGenesis gets
  // its account), so ModuleAccountByName answers for all of them before their first use; in name
  // order, after the genesis file's accounts, so account numbers are deterministic
  for (const name of keeper.moduleAccountNames()) await keeper.getModuleAccount(ctx, name);
}

export async function exportGenesis(ctx: Context, keeper: AccountKeeper): Promise<GenesisJson> {
  const accounts: Account[] = [];
  await keeper.iterateAccounts(ctx, (a) => {
    accounts.push(a);
    return false;
  });
  accounts.sort((a, b) => (a.accountNumber < b.accountNumber ? -1 : a.accountNumber > b.accountNumber ? 1 : 0));
  return { params: paramsToJson(await keeper.getParams(ctx)), accounts: accounts.map(accountToJson) };
}
