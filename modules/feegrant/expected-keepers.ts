// What x/feegrant needs from x/auth and x/bank (the SDK's x/feegrant/expected_keepers.go): the
// grantee's account is created when a grant names an address the chain has not seen yet.
import type { Context } from "../../chain/baseapp/context.ts";

export interface AccountI {
  address: string;
}

export interface AccountKeeperI {
  getAccount(ctx: Context, address: string): Promise<AccountI | undefined>;
  newAccountWithAddress(ctx: Context, address: string): Promise<AccountI>;
  setAccount(ctx: Context, acc: AccountI): void;
}

export interface BankKeeperI {
  blockedAddr(address: string): boolean;
}
