// The `app_state` part of genesis.json for the modules the CLI knows (auth, bank), in the JSON shape
// Cosmos SDK exports: defaults for `init`, adding a funded account, and validation.

import { addCoins, type Coin, coinsEqual, toProtoCoins, validateCoins } from "../chain/baseapp/coins.ts";
import { compareBytes } from "../chain/types/bytes.ts";
import {
  defaultGenesis as defaultAuthGenesis,
  validateGenesis as validateAuthGenesis,
} from "../modules/auth/genesis.ts";
import {
  defaultGenesis as defaultBankGenesis,
  validateGenesis as validateBankGenesis,
} from "../modules/bank/genesis.ts";
import {
  defaultGenesis as defaultFeegrantGenesis,
  validateGenesis as validateFeegrantGenesis,
} from "../modules/feegrant/genesis.ts";
import {
  defaultGenesis as defaultGenutilGenesis,
  validateGenesis as validateGenutilGenesis,
} from "../modules/genutil/genesis.ts";
import { defaultGenesis as defaultGovGenesis, validateGenesis as validateGovGenesis } from "../modules/gov/genesis.ts";
import {
  defaultGenesis as defaultStakingGenesis,
  validateGenesis as validateStakingGenesis,
} from "../modules/staking/genesis.ts";
import { ADDRESS_PREFIX, parseAddress } from "./cli/args.ts";
import { CliError } from "./cli/context.ts";

export const BASE_ACCOUNT_TYPE = "/cosmos.auth.v1beta1.BaseAccount";

export interface JsonCoin {
  denom: string;
  amount: string;
}

export interface AppState {
  auth: { params: object; accounts: any[] };
  bank: {
    params: object;
    balances: { address: string; coins: JsonCoin[] }[];
    supply: JsonCoin[];
    denom_metadata: unknown[];
    send_enabled: unknown[];
  };
  [module: string]: unknown;
}

/**
 * The modules' own default genesis (x/auth params; x/bank params and udgrid denom metadata). Modules
 * left out (staking, genutil) start from their defaults at InitChain; `stakingGenesisDefaults()` gives
 * theirs for documents that want them spelled out.
 */
export function defaultAppState(): AppState {
  return {
    auth: defaultAuthGenesis(),
    bank: defaultBankGenesis(),
    gov: defaultGovGenesis(),
    feegrant: defaultFeegrantGenesis(),
  } as AppState;
}

export function stakingGenesisDefaults(): { staking: unknown; genutil: unknown } {
  return { staking: defaultStakingGenesis(), genutil: defaultGenutilGenesis() };
}

function parseJsonCoins(list: unknown, where: string): Coin[] {
  if (!Array.isArray(list)) throw new CliError(`${where}: coins must be an array`);
  const coins = list.map((c, i) => {
    if (!c || typeof c.denom !== "string" || typeof c.amount !== "string" || !/^[0-9]+$/.test(c.amount)) {
      throw new CliError(`${where}[${i}]: expected {denom, amount} with an integer amount string`);
    }
    return { denom: c.denom, amount: BigInt(c.amount) };
  });
  try {
    validateCoins(coins);
  } catch (e) {
    throw new CliError(`${where}: ${(e as Error).message}`);
  }
  return coins;
}

function requireShape(state: unknown): AppState {
  const s = state as AppState;
  if (!s || typeof s !== "object") throw new CliError("genesis app_state must be an object");
  if (!s.auth || !Array.isArray(s.auth.accounts))
    throw new CliError("genesis app_state.auth.accounts must be an array");
  if (!s.bank || !Array.isArray(s.bank.balances) || !Array.isArray(s.bank.supply)) {
    throw new CliError("genesis app_state.bank must have balances and supply arrays");
  }
  return s;
}

/**
 * Adds a BaseAccount (next account number) and its balance, updating the bank supply; refuses an
 * address already present. Mutates and returns `state`.
 */
export function addGenesisAccount(state: unknown, address: string, coins: Coin[]): AppState {
  const s = requireShape(state);
  parseAddress(address);
  if (s.auth.accounts.some((a) => a?.address === address) || s.bank.balances.some((b) => b.address === address)) {
    throw new CliError(`cannot add account at existing address ${address}`);
  }
  const nextNumber = s.auth.accounts.reduce((max, a) => {
    const n = /^[0-9]+$/.test(String(a?.account_number ?? "")) ? BigInt(a.account_number) + 1n : 0n;
    return n > max ? n : max;
  }, 0n);
  s.auth.accounts.push({
    "@type": BASE_ACCOUNT_TYPE,
    address,
    pub_key: null,
    account_number: nextNumber.toString(),
    sequence: "0",
  });
  s.bank.balances.push({ address, coins: toProtoCoins(coins) });
  // SanitizeGenesisBalances: sorted by address bytes.
  s.bank.balances.sort((a, b) => compareBytes(parseAddress(a.address), parseAddress(b.address)));
  const supply = addCoins(parseJsonCoins(s.bank.supply, "bank.supply"), coins);
  s.bank.supply = toProtoCoins(supply);
  return s;
}

/**
 * The checks of auth and bank ValidateGenesis (the modules' own, plus supply = sum of balances, which
 * the SDK checks at InitGenesis): addresses, unique accounts and numbers, valid coins and metadata.
 */
export function validateAppState(state: unknown): void {
  const s = requireShape(state);
  for (const [name, validate] of [
    ["auth", validateAuthGenesis],
    ["bank", validateBankGenesis],
    ["gov", validateGovGenesis],
  ] as const) {
    if (name === "gov" && s.gov === undefined) continue;
    try {
      validate(s[name]);
    } catch (e) {
      throw new CliError(`app_state.${name}: ${(e as Error).message}`);
    }
  }
  for (const [name, validate] of [
    ["staking", validateStakingGenesis],
    ["genutil", validateGenutilGenesis],
    ["feegrant", validateFeegrantGenesis],
  ] as const) {
    if (s[name] === undefined) continue;
    try {
      validate(s[name]);
    } catch (e) {
      throw new CliError(`app_state.${name}: ${(e as Error).message}`);
    }
  }
  const seen = new Set<string>();
  const numbers = new Set<string>();
  s.auth.accounts.forEach((a, i) => {
    if (!a || typeof a !== "object") throw new CliError(`auth.accounts[${i}] must be an object`);
    if (typeof a["@type"] !== "string") throw new CliError(`auth.accounts[${i}] has no @type`);
    if (typeof a.address !== "string") throw new CliError(`auth.accounts[${i}] has no address`);
    try {
      parseAddress(a.address, ADDRESS_PREFIX);
    } catch (e) {
      throw new CliError(`auth.accounts[${i}]: ${(e as Error).message}`);
    }
    if (seen.has(a.address)) throw new CliError(`duplicate account found in genesis state; address: ${a.address}`);
    seen.add(a.address);
    const num = String(a.account_number ?? "0");
    if (!/^[0-9]+$/.test(num)) throw new CliError(`auth.accounts[${i}]: invalid account_number ${num}`);
    if (numbers.has(num)) throw new CliError(`duplicate account number ${num} in genesis state`);
    numbers.add(num);
  });
  const balanceAddrs = new Set<string>();
  let total: Coin[] = [];
  s.bank.balances.forEach((b, i) => {
    try {
      parseAddress(b?.address, ADDRESS_PREFIX);
    } catch (e) {
      throw new CliError(`bank.balances[${i}]: ${(e as Error).message}`);
    }
    if (balanceAddrs.has(b.address)) throw new CliError(`duplicate balance for address ${b.address}`);
    balanceAddrs.add(b.address);
    total = addCoins(total, parseJsonCoins(b.coins, `bank.balances[${i}].coins`));
  });
  const supply = parseJsonCoins(s.bank.supply, "bank.supply");
  if (supply.length > 0 && !coinsEqual(supply, total)) {
    const fmt = (c: Coin[]) => c.map((x) => `${x.amount}${x.denom}`).join(",") || "0";
    throw new CliError(`genesis supply is incorrect, expected ${fmt(supply)}, got ${fmt(total)}`);
  }
}
