// dgrid.inference.v1.InferenceAuthorization: MsgRequestInference paid by the granter within a total
// spend limit, a most-per-request fee, a list of models, and optionally a per-period limit that resets
// as feegrant's PeriodicAllowance does. The fee is what the request escrows now (price x effective
// redundancy, from the inference keeper), so the limit falls by exactly what the granter pays.
import type { Context } from "../../../chain/baseapp/context.ts";
import { msToNs, nsToTimestamp, timestampToNs } from "../../../chain/baseapp/time.ts";
import {
  ErrInsufficientFunds,
  ErrInvalidCoins,
  ErrInvalidRequest,
  ErrUnauthorized,
} from "../../../chain/errors/errors.ts";
import { camelKeys, snakeKeys } from "../../../chain/types/proto-json.ts";
import { InferenceAuthorization } from "../../../proto/gen/dgrid/inference/v1/authz.ts";
import type { MsgRequestInference } from "../../../proto/gen/dgrid/inference/v1/tx.ts";
import type { AuthorizationKind } from "../authorization.ts";
import { fromProto, minCoins, positiveCoins, safeSub, toProto } from "./limits.ts";

export const InferenceAuthorizationTypeUrl = "/dgrid.inference.v1.InferenceAuthorization";
export const MsgRequestInferenceTypeUrl = "/dgrid.inference.v1.MsgRequestInference";

function durationNs(d: { seconds: bigint; nanos: number }): bigint {
  return d.seconds * 1_000_000_000n + BigInt(d.nanos);
}

/** feegrant's tryResetPeriod: a new period's allowance is the smaller of the period and total limits. */
export function resetPeriod(a: InferenceAuthorization, nowNs: bigint): InferenceAuthorization {
  if (!a.period) return a;
  const resetNs = timestampToNs(a.periodReset);
  if (nowNs < resetNs) return a;
  const total = fromProto(a.spendLimit);
  const perPeriod = fromProto(a.periodSpendLimit);
  const canSpend = safeSub(total, perPeriod) === undefined ? minCoins(perPeriod, total) : perPeriod;
  // one period after the last reset while that is still ahead; else a full period from now
  let next = resetNs + durationNs(a.period);
  if (nowNs > next) next = nowNs + durationNs(a.period);
  return { ...a, periodCanSpend: toProto(canSpend), periodReset: nsToTimestamp(next) };
}

function coinText(c: { denom: string; amount: string | bigint }): string {
  return `${c.amount}${c.denom}`;
}

export const inferenceAuthorization: AuthorizationKind<InferenceAuthorization> = {
  typeUrl: InferenceAuthorizationTypeUrl,
  decode: (b) => InferenceAuthorization.decode(b),
  encode: (a) => InferenceAuthorization.encode(a).finish(),
  toJson: (a) => snakeKeys(InferenceAuthorization.toJSON(a)) as Record<string, unknown>,
  fromJson: (j) => InferenceAuthorization.fromJSON(camelKeys(j)),
  msgTypeUrl: () => MsgRequestInferenceTypeUrl,

  validateBasic(a) {
    if (a.spendLimit.length === 0) throw ErrInvalidCoins.wrap("spend limit cannot be nil");
    positiveCoins(a.spendLimit, "spend limit");
    if (a.maxFeePerRequest) positiveCoins([a.maxFeePerRequest], "max fee per request");
    if (a.allowedModels.some((m) => m === "")) throw ErrInvalidRequest.wrap("allowed_models has an empty model id");
    if (new Set(a.allowedModels).size !== a.allowedModels.length)
      throw ErrInvalidRequest.wrap("allowed_models has a duplicate model id");
    if (!a.period) {
      if (a.periodSpendLimit.length > 0 || a.periodCanSpend.length > 0 || a.periodReset)
        throw ErrInvalidRequest.wrap("period limits are set without a period");
      return;
    }
    if (a.period.seconds < 0n || a.period.nanos < 0 || durationNs(a.period) <= 0n)
      throw ErrInvalidRequest.wrap("period must be positive");
    if (a.periodSpendLimit.length === 0) throw ErrInvalidCoins.wrap("period spend limit cannot be nil");
    positiveCoins(a.periodSpendLimit, "period spend limit");
    if (a.periodCanSpend.length > 0) positiveCoins(a.periodCanSpend, "period can spend");
  },

  onGrant(ctx: Context, a) {
    if (!a.period || a.periodReset) return a;
    const now = msToNs(ctx.timeMs);
    const canSpend =
      a.periodCanSpend.length > 0
        ? a.periodCanSpend
        : toProto(minCoins(fromProto(a.periodSpendLimit), fromProto(a.spendLimit)));
    return { ...a, periodCanSpend: canSpend, periodReset: nsToTimestamp(now + durationNs(a.period)) };
  },

  async accept(ctx, a, msg, deps) {
    const req = msg as MsgRequestInference;
    if (a.allowedModels.length > 0 && !a.allowedModels.includes(req.modelId))
      throw ErrUnauthorized.wrap(`model ${req.modelId} is not allowed by the inference authorization`);
    if (!deps.inferenceKeeper) throw ErrUnauthorized.wrap("this chain has no inference module to authorize");
    const { fee } = await deps.inferenceKeeper.checkRequest(ctx, req);
    const spent = fee.amount > 0n ? [fee] : [];
    const max = a.maxFeePerRequest;
    if (max && fee.amount > 0n && (fee.denom !== max.denom || fee.amount > BigInt(max.amount)))
      throw ErrUnauthorized.wrap(`request fee ${coinText(fee)} is over the max fee per request ${coinText(max)}`);
    const left = safeSub(fromProto(a.spendLimit), spent);
    if (!left) throw ErrInsufficientFunds.wrap(`request fee ${coinText(fee)} is more than the spend limit left`);
    let next = resetPeriod(a, msToNs(ctx.timeMs));
    if (next.period) {
      const periodLeft = safeSub(fromProto(next.periodCanSpend), spent);
      if (!periodLeft)
        throw ErrInsufficientFunds.wrap(
          `request fee ${coinText(fee)} is more than the period's spend limit left until ${new Date(Number(timestampToNs(next.periodReset) / 1_000_000n)).toISOString()}`,
        );
      next = { ...next, periodCanSpend: toProto(periodLeft) };
    }
    if (left.length === 0) return { accept: true, delete: true, spent };
    return { accept: true, delete: false, updated: { ...next, spendLimit: toProto(left) }, spent };
  },
};
