// A validator's row, from four sources joined by address: the staking module (operator, moniker,
// tokens, status), the RPC validator set (voting power, by consensus address = sha256(ed25519
// pubkey)[:20]), slashing's signing infos (missed blocks, by bech32 consensus address) and reputation
// (score and inference jobs agreed / dissented / missed, by operator). Each source may be missing.
import { fromBase64, fromBech32, toHex } from "@cosmjs/encoding";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Chain } from "./chain.ts";
import type { Reputation, SigningInfo, StakingValidator } from "./types.ts";
import type { Loaded } from "./use-data.ts";

export interface ValidatorRow {
  operator: string;
  moniker: string;
  status: string;
  jailed: boolean;
  tokens: string;
  /** uppercase hex consensus address, as the RPC writes it */
  consAddress: string;
}

export function consAddressHex(v: StakingValidator): string {
  return toHex(sha256(fromBase64(v.consensus_pubkey.key)).slice(0, 20)).toUpperCase();
}

export async function stakingValidators(chain: Chain): Promise<ValidatorRow[]> {
  const r = await chain.rest.get<{ validators: StakingValidator[] }>("/cosmos/staking/v1beta1/validators", {
    "pagination.limit": 200,
  });
  return r.validators.map((v) => ({
    operator: v.operator_address,
    moniker: v.description.moniker,
    status: v.status.replace("BOND_STATUS_", "").toLowerCase(),
    jailed: v.jailed,
    tokens: v.tokens,
    consAddress: consAddressHex(v),
  }));
}

/** voting power by consensus address */
export async function votingPower(chain: Chain): Promise<Map<string, string>> {
  const r = await chain.rpc.validators();
  return new Map(r.validators.map((v) => [v.address.toUpperCase(), v.voting_power]));
}

/** missed-blocks counters by consensus address (hex) */
export async function missedBlocks(chain: Chain): Promise<Map<string, SigningInfo>> {
  const r = await chain.rest.get<{ info: SigningInfo[] }>("/cosmos/slashing/v1beta1/signing_infos", {
    "pagination.limit": 200,
  });
  return new Map(r.info.map((i) => [toHex(fromBech32(i.address).data).toUpperCase(), i]));
}

export async function reputations(chain: Chain): Promise<Map<string, Reputation>> {
  const r = await chain.rest.get<{ reputations: Reputation[] }>("/dgrid/reputation/v1/reputations", {
    "pagination.limit": 200,
  });
  return new Map(r.reputations.map((x) => [x.validator, x]));
}

/** one source's value for a row, "not available" handled by the caller (orNa) */
export function lookup<K, V>(loaded: Loaded<Map<K, V>>, key: K): Loaded<V | undefined> {
  return { ...loaded, data: loaded.data ? loaded.data.get(key) : undefined, unavailable: loaded.unavailable };
}
