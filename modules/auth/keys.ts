// Store layout of x/auth (SDK v0.50 collections prefixes), store key "acc".
import { u64be } from "../../chain/types/bytes.ts";

export const StoreKey = "acc";
export const ModuleName = "auth";
export const FeeCollectorName = "fee_collector";
export const GovModuleName = "gov";

export const ParamsKey = new Uint8Array([0x00]);
/** 0x01 | address bytes -> Any(account) */
export const AccountsPrefix = new Uint8Array([0x01]);
/** 0x02 -> next account number (uint64 big-endian) */
export const GlobalAccountNumberKey = new Uint8Array([0x02]);
/** 0x03 | account number (uint64 big-endian) -> address bytes */
export const AccountNumberPrefix = new Uint8Array([0x03]);

export function accountKey(addr: Uint8Array): Uint8Array {
  const k = new Uint8Array(1 + addr.length);
  k[0] = AccountsPrefix[0];
  k.set(addr, 1);
  return k;
}

export function accountNumberKey(n: bigint): Uint8Array {
  const k = new Uint8Array(9);
  k[0] = AccountNumberPrefix[0];
  k.set(u64be(n), 1);
  return k;
}
