// What x/bank needs from x/auth (the SDK's types/expected_keepers.go AccountKeeper).
import type { Context } from "../../chain/baseapp/context.ts";
import type { Account } from "../auth/account.ts";

export interface AccountKeeperI {
  getAccount(ctx: Context, address: string): Promise<Account | undefined>;
  hasAccount(ctx: Context, address: string): Promise<boolean>;
  setAccount(ctx: Context, acc: Account): void;
  newAccountWithAddress(ctx: Context, address: string): Promise<Account>;
  getModuleAccount(ctx: Context, name: string): Promise<Account>;
  moduleAddress(name: string): string;
  permissions(name: string): string[] | undefined;
  moduleAccountNames(): string[];
}
