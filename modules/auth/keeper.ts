// AccountKeeper: accounts (base and module), the global account-number counter and auth params.
import type { Context } from "../../chain/baseapp/context.ts";
import { iteratePrefix } from "../../chain/baseapp/pagination.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import { addressFromString, addressToString, moduleAddress } from "../../chain/types/address.ts";
import { readU64be, u64be } from "../../chain/types/bytes.ts";
import { type Account, decodeAccount, encodeAccount } from "./account.ts";
import { AccountsPrefix, accountKey, accountNumberKey, GlobalAccountNumberKey, ParamsKey, StoreKey } from "./keys.ts";
import { type AuthParams, decodeParams, defaultParams, encodeParams } from "./params.ts";

export interface AccountKeeperOptions {
  /** module name -> permissions ("minter", "burner", "staking") */
  permissions: Record<string, string[]>;
}

export class AccountKeeper {
  readonly storeKey = StoreKey;
  private readonly perms: Record<string, string[]>;

  constructor(options: AccountKeeperOptions) {
    this.perms = options.permissions;
  }

  async getParams(ctx: Context): Promise<AuthParams> {
    const b = await ctx.kvStore(StoreKey).get(ParamsKey);
    return b ? decodeParams(b) : defaultParams();
  }

  setParams(ctx: Context, p: AuthParams): void {
    ctx.kvStore(StoreKey).set(ParamsKey, encodeParams(p));
  }

  /** Returns the current global account number and increments it. */
  async nextAccountNumber(ctx: Context): Promise<bigint> {
    const store = ctx.kvStore(StoreKey);
    const b = await store.get(GlobalAccountNumberKey);
    const n = b ? readU64be(b) : 0n;
    store.set(GlobalAccountNumberKey, u64be(n + 1n));
    return n;
  }

  async peekAccountNumber(ctx: Context): Promise<bigint> {
    const b = await ctx.kvStore(StoreKey).get(GlobalAccountNumberKey);
    return b ? readU64be(b) : 0n;
  }

  async getAccount(ctx: Context, address: string): Promise<Account | undefined> {
    const b = await ctx.kvStore(StoreKey).get(accountKey(addressFromString(address)));
    return b ? decodeAccount(b) : undefined;
  }

  /**
   * The store reads of getParams / getAccount without decoding what they read: the SDK's ante
   * decorators each read the params and signer accounts themselves, and the ante repeats those reads
   * only so that a tx costs the same gas (the gas is charged by the read, not by the decode).
   */
  async readParamsForGas(ctx: Context): Promise<void> {
    await ctx.kvStore(StoreKey).get(ParamsKey);
  }

  async readAccountForGas(ctx: Context, address: string): Promise<void> {
    await ctx.kvStore(StoreKey).get(accountKey(addressFromString(address)));
  }

  async hasAccount(ctx: Context, address: string): Promise<boolean> {
    return ctx.kvStore(StoreKey).has(accountKey(addressFromString(address)));
  }

  setAccount(ctx: Context, acc: Account): void {
    const addr = addressFromString(acc.address);
    const store = ctx.kvStore(StoreKey);
    store.set(accountKey(addr), encodeAccount(acc));
    store.set(accountNumberKey(acc.accountNumber), addr);
  }

  /** A new BaseAccount with the next account number (not yet stored). */
  async newAccountWithAddress(ctx: Context, address: string): Promise<Account> {
    addressFromString(address);
    return { address, accountNumber: await this.nextAccountNumber(ctx), sequence: 0n };
  }

  async getAccountAddressById(ctx: Context, id: bigint): Promise<string | undefined> {
    const b = await ctx.kvStore(StoreKey).get(accountNumberKey(id));
    return b ? addressToString(b) : undefined;
  }

  async iterateAccounts(
    ctx: Context,
    fn: (acc: Account) => Promise<boolean | undefined> | boolean | undefined,
  ): Promise<void> {
    for await (const [, v] of iteratePrefix(ctx.kvStore(StoreKey), AccountsPrefix)) {
      if ((await fn(decodeAccount(v))) === true) break;
    }
  }

  moduleAddress(name: string): string {
    return moduleAddress(name);
  }

  permissions(name: string): string[] | undefined {
    return this.perms[name];
  }

  moduleAccountNames(): string[] {
    return Object.keys(this.perms).sort();
  }

  /** The module account, created (with the next account number) if it does not exist yet. */
  async getModuleAccount(ctx: Context, name: string): Promise<Account> {
    const perms = this.perms[name];
    if (perms === undefined) throw ErrInvalidRequest.wrap(`module account ${name} is not registered`);
    const addr = moduleAddress(name);
    const existing = await this.getAccount(ctx, addr);
    if (existing) {
      if (!existing.module) throw ErrInvalidRequest.wrap(`account ${addr} is not a module account`);
      return existing;
    }
    const acc: Account = {
      address: addr,
      accountNumber: await this.nextAccountNumber(ctx),
      sequence: 0n,
      module: { name, permissions: [...perms] },
    };
    this.setAccount(ctx, acc);
    return acc;
  }
}
