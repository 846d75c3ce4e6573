// BankKeeper: balances per (address, denom), supply per denom, denom metadata, send-enabled flags,
// sends between accounts and module accounts, mint and burn. Events as SDK v0.50.
import { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import {
  type Coin,
  coinsToString,
  isAllGTE,
  normalizeCoins,
  subCoins,
  validateCoins,
} from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import {
  ErrInsufficientFunds,
  ErrInvalidCoins,
  ErrUnauthorized,
  ErrUnknownAddress,
} from "../../chain/errors/errors.ts";
import { addressFromString, addressToString } from "../../chain/types/address.ts";
import { ErrInputOutputMismatch, ErrMultipleSenders, ErrNoInputs, ErrNoOutputs, ErrSendDisabled } from "./errors.ts";
import * as ev from "./events.ts";
import type { AccountKeeperI } from "./expected-keepers.ts";
import {
  addressBalancesPrefix,
  BalancesPrefix,
  balanceKey,
  DenomMetadataPrefix,
  decodeInt,
  denomAddressKey,
  denomKey,
  encodeInt,
  IndexValue,
  ParamsKey,
  SendEnabledPrefix,
  StoreKey,
  SupplyPrefix,
  splitBalanceKey,
} from "./keys.ts";
import { type BankParams, decodeParams, defaultParams, encodeParams } from "./params.ts";

export interface BankKeeperOptions {
  /** addresses that may not receive funds through MsgSend / MsgMultiSend (module accounts) */
  blockedAddresses: string[];
}

export interface IO {
  address: string;
  coins: Coin[];
}

export class BankKeeper {
  readonly storeKey = StoreKey;
  private readonly blocked: Set<string>;

  constructor(
    options: BankKeeperOptions,
    private readonly deps: { accountKeeper: AccountKeeperI },
  ) {
    this.blocked = new Set(options.blockedAddresses);
  }

  get ak(): AccountKeeperI {
    return this.deps.accountKeeper;
  }

  blockedAddr(address: string): boolean {
    return this.blocked.has(address);
  }

  // ---- params / send enabled ----

  async getParams(ctx: Context): Promise<BankParams> {
    const b = await ctx.kvStore(StoreKey).get(ParamsKey);
    return b ? decodeParams(b) : defaultParams();
  }

  setParams(ctx: Context, p: BankParams): void {
    // per-denom entries live in their own keys (v0.50 migrated them out of params)
    for (const s of p.sendEnabled) this.setSendEnabled(ctx, s.denom, s.enabled);
    ctx.kvStore(StoreKey).set(ParamsKey, encodeParams({ sendEnabled: [], defaultSendEnabled: p.defaultSendEnabled }));
  }

  setSendEnabled(ctx: Context, denom: string, enabled: boolean): void {
    ctx.kvStore(StoreKey).set(denomKey(SendEnabledPrefix, denom), new Uint8Array([enabled ? 1 : 0]));
  }

  async getSendEnabledEntries(ctx: Context): Promise<{ denom: string; enabled: boolean }[]> {
    const out: { denom: string; enabled: boolean }[] = [];
    for await (const [k, v] of iteratePrefix(ctx.kvStore(StoreKey), SendEnabledPrefix)) {
      out.push({ denom: new TextDecoder().decode(k), enabled: v[0] === 1 });
    }
    return out;
  }

  async isSendEnabledDenom(ctx: Context, denom: string): Promise<boolean> {
    const v = await ctx.kvStore(StoreKey).get(denomKey(SendEnabledPrefix, denom));
    if (v) return v[0] === 1;
    return (await this.getParams(ctx)).defaultSendEnabled;
  }

  async isSendEnabledCoins(ctx: Context, coins: readonly Coin[]): Promise<void> {
    for (const c of coins) {
      if (!(await this.isSendEnabledDenom(ctx, c.denom)))
        throw ErrSendDisabled.wrap(`${c.denom} transfers are currently disabled`);
    }
  }

  // ---- balances ----

  async getBalance(ctx: Context, address: string, denom: string): Promise<Coin> {
    const b = await ctx.kvStore(StoreKey).get(balanceKey(addressFromString(address), denom));
    return { denom, amount: b ? decodeInt(b) : 0n };
  }

  async getAllBalances(ctx: Context, address: string): Promise<Coin[]> {
    const out: Coin[] = [];
    const prefix = addressBalancesPrefix(addressFromString(address));
    for await (const [k, v] of iteratePrefix(ctx.kvStore(StoreKey), prefix)) {
      out.push({ denom: new TextDecoder().decode(k), amount: decodeInt(v) });
    }
    return out;
  }

  /** No vesting accounts yet: spendable = all balances. */
  async spendableCoins(ctx: Context, address: string): Promise<Coin[]> {
    return this.getAllBalances(ctx, address);
  }

  /**
   * Writes one balance (a zero amount deletes it) and its denom -> address reverse index entry. Every
   * balance write goes through here (genesis included), so the index holds exactly the non-zero balances.
   *
   * The index entry is written to the same (tx-branched) store WITHOUT gas, unlike the SDK's IndexedMap:
   * charged, its two writes per fee deduction (~5.7k gas) push a tx's delivered gas above CosmJS's
   * "auto" estimate (a fee-less simulation x 1.4) for small txs such as a MsgVote, which would then run
   * out of gas (test/app/gov-app.test.ts). State, and so the app hash, is the same either way.
   */
  setBalance(ctx: Context, address: string, c: Coin): void {
    const addr = addressFromString(address);
    const store = ctx.kvStore(StoreKey);
    const index = ctx.multiStore.getStore(StoreKey);
    if (c.amount === 0n) {
      store.delete(balanceKey(addr, c.denom));
      index.delete(denomAddressKey(c.denom, addr));
    } else {
      store.set(balanceKey(addr, c.denom), encodeInt(c.amount));
      index.set(denomAddressKey(c.denom, addr), IndexValue);
    }
  }

  /** Every balance in the store in key order: (address, coin). */
  async iterateAllBalances(ctx: Context, fn: (address: string, c: Coin) => boolean | undefined): Promise<void> {
    for await (const [k, v] of iteratePrefix(ctx.kvStore(StoreKey), BalancesPrefix)) {
      const { addr, denom } = splitBalanceKey(k);
      if (fn(addressToString(addr), { denom, amount: decodeInt(v) }) === true) break;
    }
  }

  private async subUnlockedCoins(ctx: Context, address: string, amt: readonly Coin[]): Promise<void> {
    validateCoins(amt);
    for (const c of amt) {
      const bal = await this.getBalance(ctx, address, c.denom);
      if (bal.amount < c.amount) {
        const spendable = await this.spendableCoins(ctx, address);
        throw ErrInsufficientFunds.wrap(
          `spendable balance ${coinsToString(spendable) || `0${c.denom}`} is smaller than ${c.amount}${c.denom}`,
        );
      }
      this.setBalance(ctx, address, { denom: c.denom, amount: bal.amount - c.amount });
    }
    ctx.eventManager.emit(ev.coinSpent(address, coinsToString(amt)));
  }

  private async addCoins(ctx: Context, address: string, amt: readonly Coin[]): Promise<void> {
    validateCoins(amt);
    for (const c of amt) {
      const bal = await this.getBalance(ctx, address, c.denom);
      this.setBalance(ctx, address, { denom: c.denom, amount: bal.amount + c.amount });
    }
    ctx.eventManager.emit(ev.coinReceived(address, coinsToString(amt)));
  }

  private async ensureAccount(ctx: Context, address: string): Promise<void> {
    if (!(await this.ak.hasAccount(ctx, address)))
      this.ak.setAccount(ctx, await this.ak.newAccountWithAddress(ctx, address));
  }

  /** SendKeeper.SendCoins: moves coins, creating the recipient account if needed. */
  async sendCoins(ctx: Context, from: string, to: string, amt: readonly Coin[]): Promise<void> {
    addressFromString(to);
    await this.subUnlockedCoins(ctx, from, amt);
    await this.addCoins(ctx, to, amt);
    await this.ensureAccount(ctx, to);
    const s = coinsToString(amt);
    ctx.eventManager.emit(ev.transfer(to, from, s));
    ctx.eventManager.emit(ev.messageSender(from));
  }

  /** InputOutputCoins (v0.50: exactly one input). */
  async inputOutputCoins(ctx: Context, input: IO, outputs: readonly IO[]): Promise<void> {
    validateInputOutputs([input], outputs);
    await this.subUnlockedCoins(ctx, input.address, input.coins);
    ctx.eventManager.emit(ev.messageSender(input.address));
    for (const out of outputs) {
      await this.addCoins(ctx, out.address, out.coins);
      ctx.eventManager.emit(ev.transfer(out.address, input.address, coinsToString(out.coins)));
      await this.ensureAccount(ctx, out.address);
    }
  }

  async sendCoinsFromAccountToModule(ctx: Context, from: string, module: string, amt: readonly Coin[]): Promise<void> {
    const acc = await this.ak.getModuleAccount(ctx, module);
    await this.sendCoins(ctx, from, acc.address, amt);
  }

  async sendCoinsFromModuleToAccount(ctx: Context, module: string, to: string, amt: readonly Coin[]): Promise<void> {
    if (this.blockedAddr(to)) throw ErrUnauthorized.wrap(`${to} is not allowed to receive funds`);
    const addr = this.ak.moduleAddress(module);
    if (this.ak.permissions(module) === undefined)
      throw ErrUnknownAddress.wrap(`module account ${module} does not exist`);
    await this.sendCoins(ctx, addr, to, amt);
  }

  async sendCoinsFromModuleToModule(ctx: Context, from: string, to: string, amt: readonly Coin[]): Promise<void> {
    const src = this.ak.moduleAddress(from);
    if (this.ak.permissions(from) === undefined) throw ErrUnknownAddress.wrap(`module account ${from} does not exist`);
    const dst = await this.ak.getModuleAccount(ctx, to);
    await this.sendCoins(ctx, src, dst.address, amt);
  }

  private requirePermission(module: string, perm: string): void {
    const perms = this.ak.permissions(module);
    if (perms === undefined) throw ErrUnknownAddress.wrap(`module account ${module} does not exist`);
    if (!perms.includes(perm))
      throw ErrUnauthorized.wrap(
        `module account ${module} does not have permissions to ${perm === "minter" ? "mint" : "burn"} tokens`,
      );
  }

  async mintCoins(ctx: Context, module: string, amt: readonly Coin[]): Promise<void> {
    this.requirePermission(module, "minter");
    validateCoins(amt);
    const acc = await this.ak.getModuleAccount(ctx, module);
    await this.addCoins(ctx, acc.address, amt);
    for (const c of amt) {
      const s = await this.getSupply(ctx, c.denom);
      this.setSupply(ctx, { denom: c.denom, amount: s.amount + c.amount });
    }
    ctx.eventManager.emit(ev.coinbase(acc.address, coinsToString(amt)));
  }

  async burnCoins(ctx: Context, module: string, amt: readonly Coin[]): Promise<void> {
    this.requirePermission(module, "burner");
    validateCoins(amt);
    const acc = await this.ak.getModuleAccount(ctx, module);
    await this.subUnlockedCoins(ctx, acc.address, amt);
    for (const c of amt) {
      const s = await this.getSupply(ctx, c.denom);
      this.setSupply(ctx, { denom: c.denom, amount: s.amount - c.amount });
    }
    ctx.eventManager.emit(ev.burn(acc.address, coinsToString(amt)));
  }

  // ---- supply ----

  async getSupply(ctx: Context, denom: string): Promise<Coin> {
    const b = await ctx.kvStore(StoreKey).get(denomKey(SupplyPrefix, denom));
    return { denom, amount: b ? decodeInt(b) : 0n };
  }

  setSupply(ctx: Context, c: Coin): void {
    const key = denomKey(SupplyPrefix, c.denom);
    if (c.amount === 0n) ctx.kvStore(StoreKey).delete(key);
    else ctx.kvStore(StoreKey).set(key, encodeInt(c.amount));
  }

  async getTotalSupply(ctx: Context): Promise<Coin[]> {
    const out: Coin[] = [];
    for await (const [k, v] of iteratePrefix(ctx.kvStore(StoreKey), SupplyPrefix)) {
      out.push({ denom: new TextDecoder().decode(k), amount: decodeInt(v) });
    }
    return out;
  }

  // ---- denom metadata ----

  setDenomMetaData(ctx: Context, m: Metadata): void {
    ctx.kvStore(StoreKey).set(denomKey(DenomMetadataPrefix, m.base), Metadata.encode(m).finish());
  }

  async getDenomMetaData(ctx: Context, denom: string): Promise<Metadata | undefined> {
    const b = await ctx.kvStore(StoreKey).get(denomKey(DenomMetadataPrefix, denom));
    return b ? Metadata.decode(b) : undefined;
  }

  async getAllDenomMetaData(ctx: Context): Promise<Metadata[]> {
    const out: Metadata[] = [];
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), DenomMetadataPrefix)) out.push(Metadata.decode(v));
    return out;
  }

  /** Sum of coins without allocating a Coins list per step (used by genesis and invariants). */
  static sum(list: readonly Coin[][]): Coin[] {
    return normalizeCoins(list.flat());
  }
}

/** types.ValidateInputOutputs (v0.50): one input, outputs non-empty, valid addresses and coins, sums equal. */
export function validateInputOutputs(inputs: readonly IO[], outputs: readonly IO[]): void {
  if (inputs.length === 0) throw ErrNoInputs.wrap("no inputs");
  if (inputs.length !== 1) throw ErrMultipleSenders.wrap("multiple senders not allowed");
  if (outputs.length === 0) throw ErrNoOutputs.wrap("no outputs");
  let totalIn: Coin[] = [];
  for (const i of inputs) {
    addressFromString(i.address);
    if (i.coins.length === 0) throw ErrInvalidCoins.wrap("empty input coins");
    validateCoins(i.coins);
    totalIn = normalizeCoins([...totalIn, ...i.coins]);
  }
  let totalOut: Coin[] = [];
  for (const o of outputs) {
    addressFromString(o.address);
    if (o.coins.length === 0) throw ErrInvalidCoins.wrap("empty output coins");
    validateCoins(o.coins);
    totalOut = normalizeCoins([...totalOut, ...o.coins]);
  }
  if (!isAllGTE(totalIn, totalOut) || !isAllGTE(totalOut, totalIn))
    throw ErrInputOutputMismatch.wrap("sum inputs != sum outputs");
  subCoins(totalIn, totalOut);
}
