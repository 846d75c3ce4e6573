// The three fee allowances of SDK v0.50 x/feegrant (basic_fee.go, periodic_fee.go, filtered_fee.go):
// decoding from / encoding to their Any, ValidateBasic, ExpiresAt and Accept. Times are integer
// nanoseconds since the epoch; Accept updates the allowance in place as the SDK's pointer receivers do.

import { AllowedMsgAllowance, BasicAllowance, PeriodicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Duration } from "cosmjs-types/google/protobuf/duration";
import {
  type Coin,
  coinsToString,
  fromProtoCoins,
  normalizeCoins,
  toProtoCoins,
  validateCoins,
} from "../../chain/baseapp/coins.ts";
import { nsToTimestamp, timestampToNs } from "../../chain/baseapp/time.ts";
import { CodedError, ErrInvalidCoins, ErrUnpackAny } from "../../chain/errors/errors.ts";
import type { GasMeter } from "../../chain/store/types.ts";
import {
  ErrFeeLimitExceeded,
  ErrFeeLimitExpired,
  ErrInvalidDuration,
  ErrMessageNotAllowed,
  ErrNoAllowance,
  ErrNoMessages,
} from "./errors.ts";

const NS = 1_000_000_000n;
/** gas per allowed message and per tx message that AllowedMsgAllowance checks (SDK gasCostPerIteration) */
const GAS_PER_ITERATION = 10;
/** an Any inside an Any inside...: deeper than this is refused (a grant cannot nest without bound) */
const MAX_NESTING = 8;

export interface Basic {
  kind: "basic";
  /** empty: no limit */
  spendLimit: Coin[];
  expirationNs?: bigint;
}

export interface Periodic {
  kind: "periodic";
  basic: Basic;
  periodNs: bigint;
  periodSpendLimit: Coin[];
  periodCanSpend: Coin[];
  periodResetNs: bigint;
}

export interface AllowedMsg {
  kind: "allowedMsg";
  allowance?: FeeAllowance;
  allowedMessages: string[];
}

export type FeeAllowance = Basic | Periodic | AllowedMsg;

/** What Accept decides: `remove` deletes the grant (used up or expired), `error` refuses the fee. */
export interface AcceptResult {
  remove: boolean;
  error?: CodedError;
}

function basicFrom(b: BasicAllowance): Basic {
  return {
    kind: "basic",
    spendLimit: fromProtoCoins(b.spendLimit),
    expirationNs: b.expiration ? timestampToNs(b.expiration) : undefined,
  };
}

function basicTo(b: Basic): BasicAllowance {
  return {
    spendLimit: toProtoCoins(b.spendLimit),
    expiration: b.expirationNs === undefined ? undefined : nsToTimestamp(b.expirationNs),
  };
}

function durationToNs(d: Duration | undefined): bigint {
  return d ? d.seconds * NS + BigInt(d.nanos) : 0n;
}

function nsToDuration(ns: bigint): Duration {
  return { seconds: ns / NS, nanos: Number(ns % NS) };
}

/** Decodes an allowance Any; an unknown type is refused as the SDK's interface registry refuses it. */
export function decodeAllowance(any: Any | undefined, depth = 0): FeeAllowance {
  if (!any) throw ErrNoAllowance.wrap("failed to get allowance");
  if (depth > MAX_NESTING) throw ErrUnpackAny.wrap(`allowance nested deeper than ${MAX_NESTING}`);
  try {
    switch (any.typeUrl) {
      case BasicAllowance.typeUrl:
        return basicFrom(BasicAllowance.decode(any.value));
      case PeriodicAllowance.typeUrl: {
        const p = PeriodicAllowance.decode(any.value);
        return {
          kind: "periodic",
          basic: basicFrom(p.basic ?? { spendLimit: [] }),
          periodNs: durationToNs(p.period),
          periodSpendLimit: fromProtoCoins(p.periodSpendLimit),
          periodCanSpend: fromProtoCoins(p.periodCanSpend),
          periodResetNs: timestampToNs(p.periodReset),
        };
      }
      case AllowedMsgAllowance.typeUrl: {
        const a = AllowedMsgAllowance.decode(any.value);
        return {
          kind: "allowedMsg",
          allowance: a.allowance ? decodeAllowance(a.allowance, depth + 1) : undefined,
          allowedMessages: a.allowedMessages,
        };
      }
    }
  } catch (e) {
    if (e instanceof CodedError) throw e;
    throw ErrUnpackAny.wrap(`cannot decode ${any.typeUrl}: ${e instanceof Error ? e.message : String(e)}`);
  }
  throw ErrUnpackAny.wrap(
    `no concrete type registered for type URL ${any.typeUrl} against interface *feegrant.FeeAllowanceI`,
  );
}

export function encodeAllowance(a: FeeAllowance): Any {
  switch (a.kind) {
    case "basic":
      return { typeUrl: BasicAllowance.typeUrl, value: BasicAllowance.encode(basicTo(a)).finish() };
    case "periodic":
      return {
        typeUrl: PeriodicAllowance.typeUrl,
        value: PeriodicAllowance.encode({
          basic: basicTo(a.basic),
          period: nsToDuration(a.periodNs),
          periodSpendLimit: toProtoCoins(a.periodSpendLimit),
          periodCanSpend: toProtoCoins(a.periodCanSpend),
          periodReset: nsToTimestamp(a.periodResetNs),
        }).finish(),
      };
    case "allowedMsg":
      return {
        typeUrl: AllowedMsgAllowance.typeUrl,
        value: AllowedMsgAllowance.encode({
          allowance: a.allowance ? encodeAllowance(a.allowance) : undefined,
          allowedMessages: a.allowedMessages,
        }).finish(),
      };
  }
}

/** Coins.SafeSub: a - b with zero entries dropped, and whether any denom went negative. */
export function safeSub(a: readonly Coin[], b: readonly Coin[]): { result: Coin[]; negative: boolean } {
  const result = normalizeCoins([...a, ...b.map((c) => ({ denom: c.denom, amount: -c.amount }))]);
  return { result, negative: result.some((c) => c.amount < 0n) };
}

function validCoins(list: readonly Coin[], what: string): void {
  try {
    validateCoins(list);
  } catch {
    throw ErrInvalidCoins.wrap(`${what} is invalid: ${coinsToString(list)}`);
  }
}

/** ValidateBasic of each allowance (SDK v0.50 messages and wording). */
export function validateAllowance(a: FeeAllowance): void {
  switch (a.kind) {
    case "basic":
      if (a.spendLimit.length > 0) validCoins(a.spendLimit, "send amount");
      if (a.expirationNs !== undefined && a.expirationNs < 0n)
        throw ErrInvalidDuration.wrap("expiration time cannot be negative");
      return;
    case "periodic":
      validateAllowance(a.basic);
      validCoins(a.periodSpendLimit, "spend amount");
      if (a.periodSpendLimit.length === 0) throw ErrInvalidCoins.wrap("spend limit must be positive");
      if (a.periodCanSpend.some((c) => c.amount < 0n)) throw ErrInvalidCoins.wrap("can spend must not be negative");
      validCoins(a.periodCanSpend, "can spend amount");
      if (a.basic.spendLimit.length > 0) {
        const denoms = new Set(a.basic.spendLimit.map((c) => c.denom));
        if (!a.periodSpendLimit.every((c) => denoms.has(c.denom)))
          throw ErrInvalidCoins.wrap("period spend limit has different currency than basic spend limit");
      }
      if (a.periodNs < 0n) throw ErrInvalidDuration.wrap("negative clock step");
      return;
    case "allowedMsg":
      if (!a.allowance) throw ErrNoAllowance.wrap("allowance should not be empty");
      if (a.allowedMessages.length === 0) throw ErrNoMessages.wrap("allowed messages shouldn't be empty");
      validateAllowance(a.allowance);
      return;
  }
}

/** The allowance's expiration (the wrapped one's for AllowedMsgAllowance); undefined: never. */
export function expiresAt(a: FeeAllowance): bigint | undefined {
  switch (a.kind) {
    case "basic":
      return a.expirationNs;
    case "periodic":
      return a.basic.expirationNs;
    case "allowedMsg":
      return a.allowance ? expiresAt(a.allowance) : undefined;
  }
}

/**
 * tryResetPeriod: from period_reset on, period_can_spend refills to the lesser of period_spend_limit
 * and what the basic limit has left, and the next reset is one period after the last one, or one
 * period after now when a whole period passed without use.
 */
export function tryResetPeriod(a: Periodic, blockNs: bigint): void {
  if (blockNs < a.periodResetNs) return;
  const { negative } = safeSub(a.basic.spendLimit, a.periodSpendLimit);
  a.periodCanSpend = negative && a.basic.spendLimit.length > 0 ? [...a.basic.spendLimit] : [...a.periodSpendLimit];
  a.periodResetNs += a.periodNs;
  if (blockNs > a.periodResetNs) a.periodResetNs = blockNs + a.periodNs;
}

/**
 * Accept: may `fee` be paid under this allowance at block time `blockNs` for a tx of these message
 * type URLs? On success the allowance holds its new state.
 */
export function accept(
  a: FeeAllowance,
  blockNs: bigint,
  fee: readonly Coin[],
  msgTypeUrls: readonly string[],
  gas: GasMeter,
): AcceptResult {
  switch (a.kind) {
    case "basic": {
      if (a.expirationNs !== undefined && a.expirationNs < blockNs)
        return { remove: true, error: ErrFeeLimitExpired.wrap("basic allowance") };
      if (a.spendLimit.length === 0) return { remove: false };
      const { result, negative } = safeSub(a.spendLimit, fee);
      if (negative) return { remove: false, error: ErrFeeLimitExceeded.wrap("basic allowance") };
      a.spendLimit = result;
      return { remove: result.length === 0 };
    }
    case "periodic": {
      if (a.basic.expirationNs !== undefined && blockNs > a.basic.expirationNs)
        return { remove: true, error: ErrFeeLimitExpired.wrap("absolute limit") };
      tryResetPeriod(a, blockNs);
      const period = safeSub(a.periodCanSpend, fee);
      a.periodCanSpend = period.result;
      if (period.negative) return { remove: false, error: ErrFeeLimitExceeded.wrap("period limit") };
      if (a.basic.spendLimit.length === 0) return { remove: false };
      const total = safeSub(a.basic.spendLimit, fee);
      a.basic.spendLimit = total.result;
      if (total.negative) return { remove: false, error: ErrFeeLimitExceeded.wrap("absolute limit") };
      return { remove: total.result.length === 0 };
    }
    case "allowedMsg": {
      const allowed = new Set<string>();
      for (const m of a.allowedMessages) {
        gas.consume(GAS_PER_ITERATION, "check msg");
        allowed.add(m);
      }
      for (const url of msgTypeUrls) {
        gas.consume(GAS_PER_ITERATION, "check msg");
        if (!allowed.has(url))
          return { remove: false, error: ErrMessageNotAllowed.wrap("message does not exist in allowed messages") };
      }
      if (!a.allowance) return { remove: false, error: ErrNoAllowance.wrap("failed to get allowance") };
      return accept(a.allowance, blockNs, fee, msgTypeUrls, gas);
    }
  }
}
