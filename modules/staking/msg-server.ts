// x/staking Msg service (SDK v0.50 keeper/msg_server.go): MsgCreateValidator, MsgEditValidator,
// MsgDelegate, MsgUndelegate, MsgBeginRedelegate, MsgCancelUnbondingDelegation, MsgUpdateParams.
// The checks the SDK does in the msg server (v0.50 has no ValidateBasic for these) are done here.
import { createStakingAminoConverters } from "@cosmjs/stargate";
import type { CommissionRates, Description, Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import {
  MsgBeginRedelegate,
  MsgBeginRedelegateResponse,
  MsgCancelUnbondingDelegation,
  MsgCancelUnbondingDelegationResponse,
  MsgCreateValidator,
  MsgCreateValidatorResponse,
  MsgDelegate,
  MsgDelegateResponse,
  MsgEditValidator,
  MsgEditValidatorResponse,
  MsgUndelegate,
  MsgUndelegateResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
} from "cosmjs-types/cosmos/staking/v1beta1/tx";
import type { Context } from "../../chain/baseapp/context.ts";
import { DEC_ONE, type Dec, decFromProtoString, decToProtoString, formatDec } from "../../chain/baseapp/dec.ts";
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import { CodedError, ErrInvalidAddress, ErrInvalidRequest, ErrUnauthorized } from "../../chain/errors/errors.ts";
import {
  ErrCommissionChangeRateGTMaxRate,
  ErrCommissionChangeRateNegative,
  ErrCommissionGTMaxChangeRate,
  ErrCommissionGTMaxRate,
  ErrCommissionHuge,
  ErrCommissionLTMinRate,
  ErrCommissionNegative,
  ErrCommissionUpdateTime,
  ErrDelegatorShareExRateInvalid,
  ErrEmptyValidatorPubKey,
  ErrMinSelfDelegationDecreased,
  ErrNoValidatorFound,
  ErrSelfDelegationBelowMinimum,
  ErrValidatorJailed,
  ErrValidatorOwnerExists,
  ErrValidatorPubKeyExists,
  ErrValidatorPubKeyTypeNotSupported,
} from "./errors.ts";
import * as ev from "./events.ts";
import type { StakingKeeper } from "./keeper.ts";
import { validateParams } from "./params.ts";
import {
  accAddrFromString,
  BondStatus,
  consAddressOfKey,
  consPubKeyBytes,
  Ed25519PubKeyTypeUrl,
  EPOCH_TIMESTAMP,
  invalidExRate,
  msToTimestamp,
  operatorAccount,
  timestampToMs,
  valAddrFromString,
} from "./types.ts";

const amino = createStakingAminoConverters();

function aminoOf(typeUrl: string, msg: unknown): { type: string; value: any } {
  const c = amino[typeUrl];
  if (!c) throw new Error(`no amino converter for ${typeUrl}`);
  return { type: c.aminoType, value: c.toAmino(msg) };
}

/** valoper -> account bech32 for the signer list (left as is when invalid: the ante rejects it). */
function operatorSigner(valoper: string): string {
  try {
    return operatorAccount(valoper);
  } catch {
    return valoper;
  }
}

function valAddr(s: string, what = "validator"): Uint8Array {
  try {
    return valAddrFromString(s);
  } catch (e) {
    throw ErrInvalidAddress.wrap(`invalid ${what} address: ${e instanceof CodedError ? e.message : String(e)}`);
  }
}

function accAddr(s: string): Uint8Array {
  try {
    return accAddrFromString(s);
  } catch (e) {
    throw ErrInvalidAddress.wrap(`invalid delegator address: ${e instanceof CodedError ? e.message : String(e)}`);
  }
}

function positiveAmount(c: { denom: string; amount: string } | undefined, what: string): bigint {
  if (!c || !/^\d+$/.test(c.amount) || BigInt(c.amount) <= 0n || c.denom === "") {
    throw ErrInvalidRequest.wrap(`invalid ${what} amount`);
  }
  return BigInt(c.amount);
}

function dec(s: string, what: string): Dec {
  try {
    return decFromProtoString(s);
  } catch {
    throw ErrInvalidRequest.wrap(`invalid ${what}: ${s}`);
  }
}

function int(s: string, what: string): bigint {
  if (!/^-?\d+$/.test(s)) throw ErrInvalidRequest.wrap(`invalid ${what}: ${s}`);
  return BigInt(s);
}

async function checkDenom(ctx: Context, k: StakingKeeper, denom: string): Promise<void> {
  const bond = await k.bondDenom(ctx);
  if (denom !== bond) throw ErrInvalidRequest.wrap(`invalid coin denomination: got ${denom}, expected ${bond}`);
}

/** CommissionRates.Validate */
export function validateCommission(c: CommissionRates): void {
  const rate = dec(c.rate, "commission rate");
  const max = dec(c.maxRate, "max commission rate");
  const change = dec(c.maxChangeRate, "max change rate");
  if (max < 0n) throw ErrCommissionNegative.wrap("");
  if (max > DEC_ONE) throw ErrCommissionHuge.wrap("");
  if (rate < 0n) throw ErrCommissionNegative.wrap("");
  if (rate > max) throw ErrCommissionGTMaxRate.wrap("");
  if (change < 0n) throw ErrCommissionChangeRateNegative.wrap("");
  if (change > max) throw ErrCommissionChangeRateGTMaxRate.wrap("");
}

const DESCRIPTION_LIMITS: [keyof Description, string, number][] = [
  ["moniker", "moniker", 70],
  ["identity", "identity", 3000],
  ["website", "website", 140],
  ["securityContact", "security contact", 140],
  ["details", "details", 280],
];

/** Description.EnsureLength */
export function ensureDescriptionLength(d: Description): Description {
  for (const [field, name, max] of DESCRIPTION_LIMITS) {
    const n = Buffer.byteLength(d[field], "utf8");
    if (n > max) throw ErrInvalidRequest.wrap(`invalid ${name} length; got: ${n}, max: ${max}`);
  }
  return d;
}

const DO_NOT_MODIFY = "[do-not-modify]";

function isEmptyDescription(d: Description | undefined): boolean {
  return !d || DESCRIPTION_LIMITS.every(([f]) => d[f] === "");
}

function emptyDescription(): Description {
  return { moniker: "", identity: "", website: "", securityContact: "", details: "" };
}

export const MsgCreateValidatorType: MsgType<MsgCreateValidator> = {
  typeUrl: MsgCreateValidator.typeUrl,
  decode: (b) => MsgCreateValidator.decode(b),
  encode: (m) => MsgCreateValidator.encode(m).finish(),
  signers: (m) => [operatorSigner(m.validatorAddress)],
  toAmino: (m) => aminoOf(MsgCreateValidator.typeUrl, m),
};

export const MsgEditValidatorType: MsgType<MsgEditValidator> = {
  typeUrl: MsgEditValidator.typeUrl,
  decode: (b) => MsgEditValidator.decode(b),
  encode: (m) => MsgEditValidator.encode(m).finish(),
  signers: (m) => [operatorSigner(m.validatorAddress)],
  toAmino: (m) => aminoOf(MsgEditValidator.typeUrl, m),
};

export const MsgDelegateType: MsgType<MsgDelegate> = {
  typeUrl: MsgDelegate.typeUrl,
  decode: (b) => MsgDelegate.decode(b),
  encode: (m) => MsgDelegate.encode(m).finish(),
  signers: (m) => [m.delegatorAddress],
  toAmino: (m) => aminoOf(MsgDelegate.typeUrl, m),
};

export const MsgUndelegateType: MsgType<MsgUndelegate> = {
  typeUrl: MsgUndelegate.typeUrl,
  decode: (b) => MsgUndelegate.decode(b),
  encode: (m) => MsgUndelegate.encode(m).finish(),
  signers: (m) => [m.delegatorAddress],
  toAmino: (m) => aminoOf(MsgUndelegate.typeUrl, m),
};

export const MsgBeginRedelegateType: MsgType<MsgBeginRedelegate> = {
  typeUrl: MsgBeginRedelegate.typeUrl,
  decode: (b) => MsgBeginRedelegate.decode(b),
  encode: (m) => MsgBeginRedelegate.encode(m).finish(),
  signers: (m) => [m.delegatorAddress],
  toAmino: (m) => aminoOf(MsgBeginRedelegate.typeUrl, m),
};

export const MsgCancelUnbondingDelegationType: MsgType<MsgCancelUnbondingDelegation> = {
  typeUrl: MsgCancelUnbondingDelegation.typeUrl,
  decode: (b) => MsgCancelUnbondingDelegation.decode(b),
  encode: (m) => MsgCancelUnbondingDelegation.encode(m).finish(),
  signers: (m) => [m.delegatorAddress],
  toAmino: (m) => aminoOf(MsgCancelUnbondingDelegation.typeUrl, m),
};

export const MsgUpdateParamsType: MsgType<MsgUpdateParams> = {
  typeUrl: MsgUpdateParams.typeUrl,
  decode: (b) => MsgUpdateParams.decode(b),
  encode: (m) => MsgUpdateParams.encode(m).finish(),
  signers: (m) => [m.authority],
};

/** CreateValidator (msg server): the checks, the new validator record, and the self-delegation. */
export async function createValidator(ctx: Context, k: StakingKeeper, msg: MsgCreateValidator): Promise<Validator> {
  const op = valAddr(msg.validatorAddress);
  if (!msg.pubkey) throw ErrEmptyValidatorPubKey.wrap("");
  const value = positiveAmount(msg.value, "delegation");
  if (isEmptyDescription(msg.description)) throw ErrInvalidRequest.wrap("empty description");
  const c = msg.commission;
  if (!c || (c.rate === "" && c.maxRate === "" && c.maxChangeRate === ""))
    throw ErrInvalidRequest.wrap("empty commission");
  validateCommission(c);
  const minSelf = int(msg.minSelfDelegation, "minimum self delegation");
  if (minSelf <= 0n) throw ErrInvalidRequest.wrap("minimum self delegation must be a positive integer");
  if (value < minSelf) throw ErrSelfDelegationBelowMinimum.wrap("");

  const params = await k.getParams(ctx);
  if (dec(c.rate, "commission rate") < decFromProtoString(params.minCommissionRate)) {
    throw ErrCommissionLTMinRate.wrap(
      `cannot set validator commission to less than minimum rate of ${formatDec(decFromProtoString(params.minCommissionRate))}`,
    );
  }
  if (await k.getValidator(ctx, op)) throw ErrValidatorOwnerExists.wrap("");
  if (msg.pubkey.typeUrl !== Ed25519PubKeyTypeUrl) {
    throw ErrValidatorPubKeyTypeNotSupported.wrap(`got: ${msg.pubkey.typeUrl}, expected: [ed25519]`);
  }
  const key = consPubKeyBytes(msg.pubkey);
  if (await k.validatorByConsAddr(ctx, consAddressOfKey(key))) throw ErrValidatorPubKeyExists.wrap("");
  await checkDenom(ctx, k, msg.value.denom);
  const description = ensureDescriptionLength({ ...emptyDescription(), ...msg.description });

  const v: Validator = {
    operatorAddress: msg.validatorAddress,
    consensusPubkey: msg.pubkey,
    jailed: false,
    status: BondStatus.BOND_STATUS_UNBONDED,
    tokens: "0",
    delegatorShares: "0",
    description,
    unbondingHeight: 0n,
    unbondingTime: EPOCH_TIMESTAMP,
    commission: {
      commissionRates: {
        rate: decToProtoString(dec(c.rate, "rate")),
        maxRate: decToProtoString(dec(c.maxRate, "max rate")),
        maxChangeRate: decToProtoString(dec(c.maxChangeRate, "max change rate")),
      },
      updateTime: msToTimestamp(ctx.timeMs),
    },
    minSelfDelegation: minSelf.toString(),
    unbondingOnHoldRefCount: 0n,
    unbondingIds: [],
  };
  k.setValidator(ctx, v);
  k.setValidatorByConsAddr(ctx, v);
  k.setNewValidatorByPowerIndex(ctx, v);
  await k.runHook("afterValidatorCreated", (f) => f(ctx, msg.validatorAddress));
  await k.delegate(ctx, op, value, BondStatus.BOND_STATUS_UNBONDED, v, true);
  ctx.eventManager.emit(ev.createValidator(msg.validatorAddress, `${value}${msg.value.denom}`));
  return v;
}

export function registerMsgServer(cfg: Configurator, k: StakingKeeper, authority: string): void {
  cfg.registerMsg(MsgCreateValidatorType, async (ctx, msg) => {
    await createValidator(ctx, k, msg);
    return { typeUrl: MsgCreateValidatorResponse.typeUrl, value: MsgCreateValidatorResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgEditValidatorType, async (ctx, msg) => {
    const op = valAddr(msg.validatorAddress);
    if (isEmptyDescription(msg.description)) throw ErrInvalidRequest.wrap("empty description");
    const newMin = msg.minSelfDelegation !== "" ? int(msg.minSelfDelegation, "minimum self delegation") : undefined;
    if (newMin !== undefined && newMin <= 0n)
      throw ErrInvalidRequest.wrap("minimum self delegation must be a positive integer");
    const newRate = msg.commissionRate !== "" ? dec(msg.commissionRate, "commission rate") : undefined;
    if (newRate !== undefined && (newRate > DEC_ONE || newRate < 0n))
      throw ErrInvalidRequest.wrap("commission rate must be between 0 and 1 (inclusive)");
    const params = await k.getParams(ctx);
    const minRate = decFromProtoString(params.minCommissionRate);
    if (newRate !== undefined && newRate < minRate) {
      throw ErrCommissionLTMinRate.wrap(
        `cannot set validator commission to less than minimum rate of ${formatDec(minRate)}`,
      );
    }
    const v = await k.getValidator(ctx, op);
    if (!v) throw ErrNoValidatorFound.wrap("");
    const d = msg.description ?? emptyDescription();
    const next = { ...v.description };
    for (const [f] of DESCRIPTION_LIMITS) if (d[f] !== DO_NOT_MODIFY) next[f] = d[f];
    v.description = ensureDescriptionLength(next);
    if (newRate !== undefined) {
      const cm = v.commission;
      const rate = decFromProtoString(cm.commissionRates.rate);
      if (ctx.timeMs - timestampToMs(cm.updateTime) < 24 * 3600 * 1000) throw ErrCommissionUpdateTime.wrap("");
      if (newRate > decFromProtoString(cm.commissionRates.maxRate)) throw ErrCommissionGTMaxRate.wrap("");
      if (newRate - rate > decFromProtoString(cm.commissionRates.maxChangeRate))
        throw ErrCommissionGTMaxChangeRate.wrap("");
      await k.runHook("beforeValidatorModified", (f) => f(ctx, v.operatorAddress));
      cm.commissionRates.rate = decToProtoString(newRate);
      cm.updateTime = msToTimestamp(ctx.timeMs);
    }
    if (newMin !== undefined) {
      if (newMin <= BigInt(v.minSelfDelegation)) throw ErrMinSelfDelegationDecreased.wrap("");
      if (newMin > BigInt(v.tokens)) throw ErrSelfDelegationBelowMinimum.wrap("");
      v.minSelfDelegation = newMin.toString();
    }
    k.setValidator(ctx, v);
    ctx.eventManager.emit(
      ev.editValidator(formatDec(decFromProtoString(v.commission.commissionRates.rate)), v.minSelfDelegation),
    );
    return { typeUrl: MsgEditValidatorResponse.typeUrl, value: MsgEditValidatorResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgDelegateType, async (ctx, msg) => {
    const op = valAddr(msg.validatorAddress);
    const del = accAddr(msg.delegatorAddress);
    const amount = positiveAmount(msg.amount, "delegation");
    const v = await k.getValidator(ctx, op);
    if (!v) throw ErrNoValidatorFound.wrap("");
    await checkDenom(ctx, k, msg.amount.denom);
    const shares = await k.delegate(ctx, del, amount, BondStatus.BOND_STATUS_UNBONDED, v, true);
    ctx.eventManager.emit(
      ev.delegate(msg.validatorAddress, msg.delegatorAddress, `${amount}${msg.amount.denom}`, formatDec(shares)),
    );
    return { typeUrl: MsgDelegateResponse.typeUrl, value: MsgDelegateResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgUndelegateType, async (ctx, msg) => {
    const op = valAddr(msg.validatorAddress);
    const del = accAddr(msg.delegatorAddress);
    const amount = positiveAmount(msg.amount, "shares");
    const shares = await k.validateUnbondAmount(ctx, del, op, amount);
    await checkDenom(ctx, k, msg.amount.denom);
    const r = await k.undelegate(ctx, del, op, shares);
    const coin = { denom: msg.amount.denom, amount: r.amount.toString() };
    ctx.eventManager.emit(
      ev.unbond(msg.validatorAddress, msg.delegatorAddress, `${r.amount}${coin.denom}`, r.completionMs),
    );
    return {
      typeUrl: MsgUndelegateResponse.typeUrl,
      value: MsgUndelegateResponse.encode({ completionTime: msToTimestamp(r.completionMs), amount: coin }).finish(),
    };
  });

  cfg.registerMsg(MsgBeginRedelegateType, async (ctx, msg) => {
    const src = valAddr(msg.validatorSrcAddress, "source validator");
    const dst = valAddr(msg.validatorDstAddress, "destination validator");
    const del = accAddr(msg.delegatorAddress);
    const amount = positiveAmount(msg.amount, "shares");
    const shares = await k.validateUnbondAmount(ctx, del, src, amount);
    await checkDenom(ctx, k, msg.amount.denom);
    const r = await k.beginRedelegation(ctx, del, src, dst, shares);
    ctx.eventManager.emit(
      ev.redelegate(
        msg.validatorSrcAddress,
        msg.validatorDstAddress,
        msg.delegatorAddress,
        `${amount}${msg.amount.denom}`,
        r.completionMs,
      ),
    );
    return {
      typeUrl: MsgBeginRedelegateResponse.typeUrl,
      value: MsgBeginRedelegateResponse.encode({ completionTime: msToTimestamp(r.completionMs) }).finish(),
    };
  });

  cfg.registerMsg(MsgCancelUnbondingDelegationType, async (ctx, msg) => {
    const op = valAddr(msg.validatorAddress);
    const del = accAddr(msg.delegatorAddress);
    const amount = positiveAmount(msg.amount, "");
    if (msg.creationHeight <= 0n) throw ErrInvalidRequest.wrap("invalid height");
    await checkDenom(ctx, k, msg.amount.denom);
    const v = await k.getValidator(ctx, op);
    if (!v) throw ErrNoValidatorFound.wrap("");
    if (invalidExRate(v)) throw ErrDelegatorShareExRateInvalid.wrap("");
    if (v.jailed) throw ErrValidatorJailed.wrap("");
    const ubd = await k.getUnbondingDelegation(ctx, del, op);
    if (!ubd) {
      throw ErrInvalidRequest.wrap(
        `unbonding delegation with delegator ${msg.delegatorAddress} not found for validator ${msg.validatorAddress}`,
      );
    }
    const i = ubd.entries.findIndex((e) => e.creationHeight === msg.creationHeight);
    if (i < 0)
      throw ErrInvalidRequest.wrap(`unbonding delegation entry is not found at block height ${msg.creationHeight}`);
    const entry = ubd.entries[i];
    if (BigInt(entry.balance) < amount)
      throw ErrInvalidRequest.wrap("amount is greater than the unbonding delegation entry balance");
    if (timestampToMs(entry.completionTime) < ctx.timeMs)
      throw ErrInvalidRequest.wrap("unbonding delegation is already processed");
    await k.delegate(ctx, del, amount, BondStatus.BOND_STATUS_UNBONDING, v, false);
    const left = BigInt(entry.balance) - amount;
    if (left === 0n) ubd.entries.splice(i, 1);
    else {
      entry.balance = left.toString();
      entry.initialBalance = (BigInt(entry.initialBalance) - amount).toString();
    }
    if (ubd.entries.length === 0) k.removeUnbondingDelegation(ctx, ubd);
    else k.setUnbondingDelegation(ctx, ubd);
    ctx.eventManager.emit(
      ev.cancelUnbonding(
        msg.validatorAddress,
        msg.delegatorAddress,
        `${amount}${msg.amount.denom}`,
        msg.creationHeight,
      ),
    );
    return {
      typeUrl: MsgCancelUnbondingDelegationResponse.typeUrl,
      value: MsgCancelUnbondingDelegationResponse.encode({}).finish(),
    };
  });

  cfg.registerMsg(MsgUpdateParamsType, async (ctx, msg) => {
    if (msg.authority !== authority)
      throw ErrUnauthorized.wrap(`invalid authority; expected ${authority}, got ${msg.authority}`);
    if (!msg.params) throw ErrInvalidRequest.wrap("params cannot be empty");
    const p = { ...msg.params, minCommissionRate: decToProtoString(dec(msg.params.minCommissionRate, "min rate")) };
    validateParams(p);
    const prev = await k.getParams(ctx);
    k.setParams(ctx, p);
    const minRate = decFromProtoString(p.minCommissionRate);
    if (minRate !== decFromProtoString(prev.minCommissionRate)) {
      // validators under the new minimum are raised to it (SDK v0.50 UpdateParams)
      for (const v of await k.getAllValidators(ctx)) {
        const r = v.commission.commissionRates;
        if (decFromProtoString(r.rate) >= minRate) continue;
        r.rate = decToProtoString(minRate);
        if (decFromProtoString(r.maxRate) < minRate) r.maxRate = decToProtoString(minRate);
        v.commission.updateTime = msToTimestamp(ctx.timeMs);
        k.setValidator(ctx, v);
      }
    }
    return { typeUrl: MsgUpdateParamsResponse.typeUrl, value: MsgUpdateParamsResponse.encode({}).finish() };
  });
}
