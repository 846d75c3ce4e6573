// A validator's row, from five sources joined by address: the staking module (operator, moniker,
// tokens, status), the RPC validator set (voting power, by consensus address = sha256(ed25519
// pubkey)[:20]), slashing's signing infos (missed blocks, by bech32 consensus address), reputation
// (the score, by operator) and reputation's validator stats (inference jobs done / missed /
// dissented / unresolved and the score samples, by operator). Each source may be missing.
import { fromBase64, fromBech32, toHex } from "@cosmjs/encoding";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Chain } from "./chain.ts";
import type { Reputation, SigningInfo, StakingValidator, ValidatorStats } from "./types.ts";
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

/** the bech32 length limit (BIP-173's 90): @scure/base 2 refuses CosmJS's default of Infinity */
const BECH32_LIMIT = 90;

/** missed-blocks counters by consensus address (hex) */
export async function missedBlocks(chain: Chain): Promise<Map<string, SigningInfo>> {
  const r = await chain.rest.get<{ info: SigningInfo[] }>("/cosmos/slashing/v1beta1/signing_infos", {
    "pagination.limit": 200,
  });
  return new Map(r.info.map((i) => [toHex(fromBech32(i.address, BECH32_LIMIT).data).toUpperCase(), i]));
}

export async function reputations(chain: Chain): Promise<Map<string, Reputation>> {
  const r = await chain.rest.get<{ reputations: Reputation[] }>("/dgrid/reputation/v1/reputations", {
    "pagination.limit": 200,
  });
  return new Map(r.reputations.map((x) => [x.validator, x]));
}

/** inference stats by operator (validators never assigned a job have none) */
export async function validatorStats(chain: Chain): Promise<Map<string, ValidatorStats>> {
  const r = await chain.rest.get<{ stats: ValidatorStats[] }>("/dgrid/reputation/v1/validator_stats", {
    "pagination.limit": 200,
  });
  return new Map(r.stats.map((x) => [x.validator, x]));
}

/**
 * The score samples oldest first: score_history is a ring of at most 96 that, once full, writes the
 * next sample at history_next (so the oldest is there).
 */
export function scoreSeries(s: ValidatorStats): { heights: number[]; percent: number[] } {
  const ring = s.score_history ?? [];
  const next = s.history_next ?? 0;
  const ordered = [...ring.slice(next), ...ring.slice(0, next)];
  return {
    heights: ordered.map((x) => Number(x.height)),
    percent: ordered.map((x) => Number(x.score_ppm) / 10_000),
  };
}

/** one source's value for a row, "not available" handled by the caller (orNa) */
export function lookup<K, V>(loaded: Loaded<Map<K, V>>, key: K): Loaded<V | undefined> {
  return { ...loaded, data: loaded.data ? loaded.data.get(key) : undefined, unavailable: loaded.unavailable };
}
