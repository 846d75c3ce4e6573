// x/staking genesis (SDK v0.50 x/staking/keeper/genesis.go) in the SDK's JSON shape: params, last
// total power, last validator powers, validators, delegations, unbonding delegations, redelegations,
// exported. Init checks the pool balances against the validators and returns the validator set.

import { fromBase64, toBase64 } from "@cosmjs/encoding";
import {
  BondStatus,
  bondStatusFromJSON,
  bondStatusToJSON,
  type Delegation,
  type Redelegation,
  type UnbondingDelegation,
  type Validator,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../chain/baseapp/context.ts";
import { decFromProtoString, decToProtoString, formatDec, parseDec } from "../../chain/baseapp/dec.ts";
import { timestampToNs, timeToJson } from "../../chain/baseapp/time.ts";
import { ErrInvalidRequest } from "../../chain/errors/errors.ts";
import type { StakingKeeper } from "./keeper.ts";
import { BondedPoolName, NotBondedPoolName } from "./keys.ts";
import { ensureDescriptionLength, validateCommission } from "./msg-server.ts";
import { type ParamsJson, paramsFromJson, paramsToJson, validateParams } from "./params.ts";
import {
  abciValidatorUpdate,
  accAddrFromString,
  consAddress,
  consPubKeyBytes,
  Ed25519PubKeyTypeUrl,
  ed25519PubKeyAny,
  isUnbonding,
  sharesOf,
  timestampToMs,
  tokensOf,
  valAddrFromString,
  valAddrToString,
} from "./types.ts";

// ---- JSON shapes ----

export interface ValidatorJson {
  operator_address: string;
  consensus_pubkey: { "@type": string; key: string };
  jailed: boolean;
  status: string;
  tokens: string;
  delegator_shares: string;
  description: { moniker: string; identity: string; website: string; security_contact: string; details: string };
  unbonding_height: string;
  unbonding_time: string;
  commission: {
    commission_rates: { rate: string; max_rate: string; max_change_rate: string };
    update_time: string;
  };
  min_self_delegation: string;
  unbonding_on_hold_ref_count: string;
  unbonding_ids: string[];
}

export interface DelegationJson {
  delegator_address: string;
  validator_address: string;
  shares: string;
}

export interface UbdEntryJson {
  creation_height: string;
  completion_time: string;
  initial_balance: string;
  balance: string;
  unbonding_id: string;
  unbonding_on_hold_ref_count: string;
}

export interface UnbondingDelegationJson {
  delegator_address: string;
  validator_address: string;
  entries: UbdEntryJson[];
}

export interface RedEntryJson {
  creation_height: string;
  completion_time: string;
  initial_balance: string;
  shares_dst: string;
  unbonding_id: string;
  unbonding_on_hold_ref_count: string;
}

export interface RedelegationJson {
  delegator_address: string;
  validator_src_address: string;
  validator_dst_address: string;
  entries: RedEntryJson[];
}

export interface GenesisJson {
  params: ParamsJson;
  last_total_power: string;
  last_validator_powers: { address: string; power: string }[];
  validators: ValidatorJson[];
  delegations: DelegationJson[];
  unbonding_delegations: UnbondingDelegationJson[];
  redelegations: RedelegationJson[];
  exported: boolean;
}

export function defaultGenesis(): GenesisJson {
  return {
    params: paramsToJson(paramsFromJson(undefined)),
    last_total_power: "0",
    last_validator_powers: [],
    validators: [],
    delegations: [],
    unbonding_delegations: [],
    redelegations: [],
    exported: false,
  };
}

/** protobuf Timestamp JSON: RFC 3339 UTC with 0, 3, 6 or 9 fractional digits. */
export function timestampToJson(t: Timestamp | undefined): string {
  return timeToJson(timestampToNs(t));
}

export function timestampFromJson(s: unknown): Timestamp {
  const m = typeof s === "string" ? /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(s) : null;
  if (!m) throw ErrInvalidRequest.wrap(`invalid timestamp ${JSON.stringify(s)}`);
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) throw ErrInvalidRequest.wrap(`invalid timestamp ${JSON.stringify(s)}`);
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: Number((m[2] ?? "").padEnd(9, "0") || "0") };
}

function big(v: unknown, what: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v !== "string" || !/^-?\d+$/.test(v)) throw ErrInvalidRequest.wrap(`invalid ${what}: ${String(v)}`);
  return BigInt(v);
}

function decJson(v: unknown, what: string): string {
  if (typeof v !== "string") throw ErrInvalidRequest.wrap(`invalid ${what}: ${String(v)}`);
  return decToProtoString(parseDec(v));
}

export function validatorToJson(v: Validator): ValidatorJson {
  return {
    operator_address: v.operatorAddress,
    consensus_pubkey: { "@type": Ed25519PubKeyTypeUrl, key: toBase64(consPubKeyBytes(v.consensusPubkey)) },
    jailed: v.jailed,
    status: bondStatusToJSON(v.status),
    tokens: v.tokens,
    delegator_shares: formatDec(sharesOf(v)),
    description: {
      moniker: v.description.moniker,
      identity: v.description.identity,
      website: v.description.website,
      security_contact: v.description.securityContact,
      details: v.description.details,
    },
    unbonding_height: v.unbondingHeight.toString(),
    unbonding_time: timestampToJson(v.unbondingTime),
    commission: {
      commission_rates: {
        rate: formatDec(decFromProtoString(v.commission.commissionRates.rate)),
        max_rate: formatDec(decFromProtoString(v.commission.commissionRates.maxRate)),
        max_change_rate: formatDec(decFromProtoString(v.commission.commissionRates.maxChangeRate)),
      },
      update_time: timestampToJson(v.commission.updateTime),
    },
    min_self_delegation: v.minSelfDelegation,
    unbonding_on_hold_ref_count: v.unbondingOnHoldRefCount.toString(),
    unbonding_ids: v.unbondingIds.map(String),
  };
}

export function validatorFromJson(j: ValidatorJson): Validator {
  const pk = j.consensus_pubkey;
  if (!pk || pk["@type"] !== Ed25519PubKeyTypeUrl || typeof pk.key !== "string") {
    throw ErrInvalidRequest.wrap(`validator ${j.operator_address}: consensus_pubkey must be ${Ed25519PubKeyTypeUrl}`);
  }
  const status = bondStatusFromJSON(j.status);
  if (status === BondStatus.UNRECOGNIZED || status === BondStatus.BOND_STATUS_UNSPECIFIED)
    throw ErrInvalidRequest.wrap(`validator ${j.operator_address}: invalid status ${j.status}`);
  const d = j.description ?? ({} as ValidatorJson["description"]);
  const c = j.commission ?? ({} as ValidatorJson["commission"]);
  return {
    operatorAddress: String(j.operator_address),
    consensusPubkey: ed25519PubKeyAny(fromBase64(pk.key)),
    jailed: Boolean(j.jailed),
    status,
    tokens: big(j.tokens, "tokens").toString(),
    delegatorShares: decJson(j.delegator_shares, "delegator_shares"),
    description: {
      moniker: String(d.moniker ?? ""),
      identity: String(d.identity ?? ""),
      website: String(d.website ?? ""),
      securityContact: String(d.security_contact ?? ""),
      details: String(d.details ?? ""),
    },
    unbondingHeight: big(j.unbonding_height ?? "0", "unbonding_height"),
    unbondingTime: timestampFromJson(j.unbonding_time ?? "1970-01-01T00:00:00Z"),
    commission: {
      commissionRates: {
        rate: decJson(c.commission_rates?.rate ?? "0", "rate"),
        maxRate: decJson(c.commission_rates?.max_rate ?? "0", "max_rate"),
        maxChangeRate: decJson(c.commission_rates?.max_change_rate ?? "0", "max_change_rate"),
      },
      updateTime: timestampFromJson(c.update_time ?? "1970-01-01T00:00:00Z"),
    },
    minSelfDelegation: big(j.min_self_delegation ?? "1", "min_self_delegation").toString(),
    unbondingOnHoldRefCount: big(j.unbonding_on_hold_ref_count ?? "0", "unbonding_on_hold_ref_count"),
    unbondingIds: (j.unbonding_ids ?? []).map((x) => big(x, "unbonding_ids")),
  };
}

export function delegationToJson(d: Delegation): DelegationJson {
  return {
    delegator_address: d.delegatorAddress,
    validator_address: d.validatorAddress,
    shares: formatDec(decFromProtoString(d.shares)),
  };
}

export function delegationFromJson(j: DelegationJson): Delegation {
  return {
    delegatorAddress: String(j.delegator_address),
    validatorAddress: String(j.validator_address),
    shares: decJson(j.shares, "shares"),
  };
}

export function ubdToJson(u: UnbondingDelegation): UnbondingDelegationJson {
  return {
    delegator_address: u.delegatorAddress,
    validator_address: u.validatorAddress,
    entries: u.entries.map((e) => ({
      creation_height: e.creationHeight.toString(),
      completion_time: timestampToJson(e.completionTime),
      initial_balance: e.initialBalance,
      balance: e.balance,
      unbonding_id: e.unbondingId.toString(),
      unbonding_on_hold_ref_count: e.unbondingOnHoldRefCount.toString(),
    })),
  };
}

export function ubdFromJson(j: UnbondingDelegationJson): UnbondingDelegation {
  return {
    delegatorAddress: String(j.delegator_address),
    validatorAddress: String(j.validator_address),
    entries: (j.entries ?? []).map((e) => ({
      creationHeight: big(e.creation_height, "creation_height"),
      completionTime: timestampFromJson(e.completion_time),
      initialBalance: big(e.initial_balance, "initial_balance").toString(),
      balance: big(e.balance, "balance").toString(),
      unbondingId: big(e.unbonding_id ?? "0", "unbonding_id"),
      unbondingOnHoldRefCount: big(e.unbonding_on_hold_ref_count ?? "0", "unbonding_on_hold_ref_count"),
    })),
  };
}

export function redToJson(r: Redelegation): RedelegationJson {
  return {
    delegator_address: r.delegatorAddress,
    validator_src_address: r.validatorSrcAddress,
    validator_dst_address: r.validatorDstAddress,
    entries: r.entries.map((e) => ({
      creation_height: e.creationHeight.toString(),
      completion_time: timestampToJson(e.completionTime),
      initial_balance: e.initialBalance,
      shares_dst: formatDec(decFromProtoString(e.sharesDst)),
      unbonding_id: e.unbondingId.toString(),
      unbonding_on_hold_ref_count: e.unbondingOnHoldRefCount.toString(),
    })),
  };
}

export function redFromJson(j: RedelegationJson): Redelegation {
  return {
    delegatorAddress: String(j.delegator_address),
    validatorSrcAddress: String(j.validator_src_address),
    validatorDstAddress: String(j.validator_dst_address),
    entries: (j.entries ?? []).map((e) => ({
      creationHeight: big(e.creation_height, "creation_height"),
      completionTime: timestampFromJson(e.completion_time),
      initialBalance: big(e.initial_balance, "initial_balance").toString(),
      sharesDst: decJson(e.shares_dst, "shares_dst"),
      unbondingId: big(e.unbonding_id ?? "0", "unbonding_id"),
      unbondingOnHoldRefCount: big(e.unbonding_on_hold_ref_count ?? "0", "unbonding_on_hold_ref_count"),
    })),
  };
}

interface Parsed {
  params: ReturnType<typeof paramsFromJson>;
  lastTotalPower: bigint;
  lastValidatorPowers: { address: string; power: bigint }[];
  validators: Validator[];
  delegations: Delegation[];
  ubds: UnbondingDelegation[];
  reds: Redelegation[];
  exported: boolean;
}

function parse(json: unknown): Parsed {
  const j = (json ?? {}) as Partial<GenesisJson>;
  return {
    params: paramsFromJson(j.params),
    lastTotalPower: big(j.last_total_power ?? "0", "last_total_power"),
    lastValidatorPowers: (j.last_validator_powers ?? []).map((x) => ({
      address: String(x.address),
      power: big(x.power, "power"),
    })),
    validators: (j.validators ?? []).map(validatorFromJson),
    delegations: (j.delegations ?? []).map(delegationFromJson),
    ubds: (j.unbonding_delegations ?? []).map(ubdFromJson),
    reds: (j.redelegations ?? []).map(redFromJson),
    exported: Boolean(j.exported),
  };
}

/** ValidateGenesis: params, validators (unique keys, no bonded+jailed, shares), delegation addresses. */
export function validateGenesis(json: unknown): void {
  const g = parse(json);
  validateParams(g.params);
  const keys = new Set<string>();
  const ops = new Set<string>();
  for (const v of g.validators) {
    valAddrFromString(v.operatorAddress);
    const cons = Buffer.from(consAddress(v)).toString("hex");
    if (keys.has(cons)) throw ErrInvalidRequest.wrap(`duplicate validator in genesis state: pubkey ${cons}`);
    if (ops.has(v.operatorAddress))
      throw ErrInvalidRequest.wrap(`duplicate validator in genesis state: ${v.operatorAddress}`);
    keys.add(cons);
    ops.add(v.operatorAddress);
    if (v.jailed && v.status === BondStatus.BOND_STATUS_BONDED)
      throw ErrInvalidRequest.wrap(`validator is bonded and jailed in genesis state: ${v.operatorAddress}`);
    if (sharesOf(v) === 0n && !isUnbonding(v))
      throw ErrInvalidRequest.wrap(
        `bonded/unbonded genesis validator cannot have zero delegator shares: ${v.operatorAddress}`,
      );
    ensureDescriptionLength(v.description);
    validateCommission(v.commission.commissionRates);
  }
  for (const d of g.delegations) {
    accAddrFromString(d.delegatorAddress);
    valAddrFromString(d.validatorAddress);
  }
}

export async function initGenesis(ctx: Context, k: StakingKeeper, json: unknown): Promise<ValidatorUpdate[]> {
  validateGenesis(json);
  const g = parse(json);
  k.setParams(ctx, g.params);
  k.setLastTotalPower(ctx, g.lastTotalPower);
  let bonded = 0n;
  let notBonded = 0n;
  for (const v of g.validators) {
    k.setValidator(ctx, v);
    k.setValidatorByConsAddr(ctx, v);
    k.setValidatorByPowerIndex(ctx, v);
    if (!g.exported) await k.runHook("afterValidatorCreated", (f) => f(ctx, v.operatorAddress));
    if (isUnbonding(v)) await k.insertUnbondingValidatorQueue(ctx, v);
    if (v.status === BondStatus.BOND_STATUS_BONDED) bonded += tokensOf(v);
    else notBonded += tokensOf(v);
  }
  for (const d of g.delegations) {
    if (!g.exported) await k.runHook("beforeDelegationCreated", (f) => f(ctx, d.delegatorAddress, d.validatorAddress));
    k.setDelegation(ctx, d);
    if (!g.exported) await k.runHook("afterDelegationModified", (f) => f(ctx, d.delegatorAddress, d.validatorAddress));
  }
  for (const u of g.ubds) {
    k.setUnbondingDelegation(ctx, u);
    for (const e of u.entries) {
      await k.insertUBDQueue(ctx, u, timestampToMs(e.completionTime));
      notBonded += BigInt(e.balance);
    }
  }
  for (const r of g.reds) {
    k.setRedelegation(ctx, r);
    for (const e of r.entries) await k.insertRedelegationQueue(ctx, r, timestampToMs(e.completionTime));
  }
  // unbonding ids continue after the highest one imported (the counter itself is not exported)
  let maxId = 0n;
  for (const v of g.validators) for (const id of v.unbondingIds) if (id > maxId) maxId = id;
  for (const u of g.ubds) for (const e of u.entries) if (e.unbondingId > maxId) maxId = e.unbondingId;
  for (const r of g.reds) for (const e of r.entries) if (e.unbondingId > maxId) maxId = e.unbondingId;
  if (maxId > 0n) k.setLastUnbondingId(ctx, maxId);
  // the pools must hold exactly what the validators and unbondings say (bank genesis carries them)
  for (const [pool, want] of [
    [BondedPoolName, bonded],
    [NotBondedPoolName, notBonded],
  ] as const) {
    const have = await k.poolBalance(ctx, pool);
    if (have !== want) {
      throw ErrInvalidRequest.wrap(
        `${pool === BondedPoolName ? "bonded" : "not bonded"} pool balance is different from ${pool === BondedPoolName ? "bonded" : "not bonded"} coins: ${have}${g.params.bondDenom} <-> ${want}${g.params.bondDenom}`,
      );
    }
  }
  if (g.exported) {
    const out: ValidatorUpdate[] = [];
    for (const lv of g.lastValidatorPowers) {
      const op = valAddrFromString(lv.address);
      k.setLastValidatorPower(ctx, op, lv.power);
      const v = await k.getValidator(ctx, op);
      if (!v) throw ErrInvalidRequest.wrap(`last validator power for unknown validator ${lv.address}`);
      out.push(abciValidatorUpdate(v, lv.power));
    }
    return out;
  }
  return k.applyAndReturnValidatorSetUpdates(ctx);
}

export async function exportGenesis(ctx: Context, k: StakingKeeper): Promise<GenesisJson> {
  return {
    params: paramsToJson(await k.getParams(ctx)),
    last_total_power: (await k.getLastTotalPower(ctx)).toString(),
    last_validator_powers: (await k.getLastValidatorPowers(ctx)).map((lv) => ({
      address: valAddrToString(lv.operator),
      power: lv.power.toString(),
    })),
    validators: (await k.getAllValidators(ctx)).map(validatorToJson),
    delegations: (await k.getAllDelegations(ctx)).map(delegationToJson),
    unbonding_delegations: (await k.getAllUnbondingDelegations(ctx)).map(ubdToJson),
    redelegations: (await k.getAllRedelegations(ctx)).map(redToJson),
    exported: true,
  };
}
