// x/staking parameters (cosmos.staking.v1beta1.Params), SDK defaults except bond_denom = udgrid.
// In protobuf binary min_commission_rate is the LegacyDec atoms string; in JSON the decimal text.
import { Params } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { DefaultBondDenom, validateDenom } from "../../chain/baseapp/coins.ts";
import { DEC_ONE, decFromProtoString, decToProtoString, formatDec, parseDec } from "../../chain/baseapp/dec.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";

export type StakingParams = Params;

export const DefaultUnbondingTimeSeconds = 60n * 60n * 24n * 21n; // 3 weeks
/** sdk.DefaultPowerReduction: 1 consensus power = 10^6 tokens */
export const DefaultPowerReduction = 1_000_000n;

export function defaultParams(): StakingParams {
  return {
    unbondingTime: { seconds: DefaultUnbondingTimeSeconds, nanos: 0 },
    maxValidators: 100,
    maxEntries: 7,
    historicalEntries: 10000,
    bondDenom: DefaultBondDenom,
    minCommissionRate: "0",
  };
}

export function unbondingTimeMs(p: StakingParams): number {
  return Number(p.unbondingTime.seconds) * 1000 + Math.floor(p.unbondingTime.nanos / 1_000_000);
}

export function validateParams(p: StakingParams): void {
  if (p.unbondingTime.seconds < 0n || (p.unbondingTime.seconds === 0n && p.unbondingTime.nanos <= 0))
    throw ErrInvalidRequest.wrap(`unbonding time must be positive: ${durationToJson(p.unbondingTime)}`);
  if (!Number.isInteger(p.maxValidators) || p.maxValidators <= 0)
    throw ErrInvalidRequest.wrap(`max validators must be positive: ${p.maxValidators}`);
  if (!Number.isInteger(p.maxEntries) || p.maxEntries <= 0)
    throw ErrInvalidRequest.wrap(`max entries must be positive: ${p.maxEntries}`);
  if (!Number.isInteger(p.historicalEntries) || p.historicalEntries < 0)
    throw ErrInvalidRequest.wrap(`invalid historical entries: ${p.historicalEntries}`);
  if (p.bondDenom.trim() === "") throw ErrInvalidRequest.wrap("bond denom cannot be blank");
  validateDenom(p.bondDenom);
  const r = decFromProtoString(p.minCommissionRate);
  if (r < 0n) throw ErrInvalidRequest.wrap(`minimum commission rate cannot be negative: ${formatDec(r)}`);
  if (r > DEC_ONE) throw ErrInvalidRequest.wrap(`minimum commission rate too large: ${formatDec(r)}`);
}

export function encodeParams(p: StakingParams): Uint8Array {
  return Params.encode(p).finish();
}

export function decodeParams(b: Uint8Array): StakingParams {
  return Params.decode(b);
}

/** protobuf Duration JSON ("1814400s", "0.5s") */
export function durationToJson(d: { seconds: bigint; nanos: number }): string {
  if (d.nanos === 0) return `${d.seconds}s`;
  return `${d.seconds}.${String(d.nanos).padStart(9, "0").replace(/0+$/, "")}s`;
}

export function durationFromJson(s: unknown): { seconds: bigint; nanos: number } {
  const m = typeof s === "string" ? /^(\d+)(?:\.(\d{1,9}))?s$/.exec(s) : null;
  if (!m) throw ErrInvalidRequest.wrap(`invalid duration ${JSON.stringify(s)}`);
  return { seconds: BigInt(m[1]), nanos: Number((m[2] ?? "").padEnd(9, "0") || "0") };
}

export interface ParamsJson {
  unbonding_time: string;
  max_validators: number;
  max_entries: number;
  historical_entries: number;
  bond_denom: string;
  min_commission_rate: string;
}

export function paramsToJson(p: StakingParams): ParamsJson {
  return {
    unbonding_time: durationToJson(p.unbondingTime),
    max_validators: p.maxValidators,
    max_entries: p.maxEntries,
    historical_entries: p.historicalEntries,
    bond_denom: p.bondDenom,
    min_commission_rate: formatDec(decFromProtoString(p.minCommissionRate)),
  };
}

function uint32(v: unknown, name: string): number {
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw ErrInvalidRequest.wrap(`invalid staking parameter ${name}: ${String(v)}`);
  return n;
}

export function paramsFromJson(j: Partial<ParamsJson> | undefined): StakingParams {
  const d = paramsToJson(defaultParams());
  const x = { ...d, ...(j ?? {}) };
  return {
    unbondingTime: durationFromJson(x.unbonding_time),
    maxValidators: uint32(x.max_validators, "max_validators"),
    maxEntries: uint32(x.max_entries, "max_entries"),
    historicalEntries: uint32(x.historical_entries, "historical_entries"),
    bondDenom: String(x.bond_denom),
    minCommissionRate: decToProtoString(parseDec(String(x.min_commission_rate))),
  };
}
