// What x/bank needs from x/auth (the SDK's types/expected_keepers.go AccountKeeper).
import type { Context } from "../../chain/baseapp/context.ts";

/**
 * An account as x/bank handles one (x/auth's Account, the SDK's sdk.AccountI): bank creates the
 * account of a new recipient and reads module accounts' addresses, nothing else.
 */
export interface AccountI {
  address: string;
  accountNumber: bigint;
  sequence: bigint;
}

export interface AccountKeeperI {
  getAccount(ctx: Context, address: string): Promise<AccountI | undefined>;
  hasAccount(ctx: Context, address: string): Promise<boolean>;
  setAccount(ctx: Context, acc: AccountI): void;
  newAccountWithAddress(ctx: Context, address: string): Promise<AccountI>;
  getModuleAccount(ctx: Context, name: string): Promise<AccountI>;
  moduleAddress(name: string): string;
  permissions(name: string): string[] | undefined;
  moduleAccountNames(): string[];
}
