// What the inference module tells x/authz about requests (its expected-keepers RequestHooksI): a fee
// refunded to a requester goes back into the InferenceAuthorization that paid it, if that grant still
// exists, capped at what the request was charged under it (a refund never raises a limit above what
// the grant had before the request); period_can_spend is credited only within the period that paid
// (capped at period_spend_limit). A closed request leaves the index.
import { type Coin, coinsToString, normalizeCoins } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { msToNs, timestampToNs } from "../../chain/baseapp/time.ts";
import type { InferenceAuthorization } from "../../proto/gen/dgrid/inference/v1/authz.ts";
import { unpackAuthorization } from "./authorization.ts";
import { InferenceAuthorizationTypeUrl, MsgRequestInferenceTypeUrl } from "./authorizations/inference.ts";
import { fromProto, minCoins, toProto } from "./authorizations/limits.ts";
import * as ev from "./events.ts";
import { deleteGrantedRequest, getGrantedRequest, setGrantedRequest } from "./granted-requests.ts";
import type { AuthzKeeper } from "./keeper.ts";

export interface InferenceRequestHooks {
  afterFeeRefunded(ctx: Context, requestId: bigint, amount: Coin): Promise<void>;
  afterRequestClosed(ctx: Context, requestId: bigint): Promise<void>;
}

export function inferenceRequestHooks(keeper: AuthzKeeper): InferenceRequestHooks {
  return {
    async afterFeeRefunded(ctx, requestId, amount) {
      const entry = await getGrantedRequest(ctx, requestId);
      if (!entry?.creditable || entry.creditable.denom !== amount.denom) return;
      const owed = BigInt(entry.creditable.amount);
      const credit = amount.amount < owed ? amount.amount : owed;
      if (credit <= 0n) return;
      setGrantedRequest(ctx, requestId, {
        ...entry,
        creditable: { denom: amount.denom, amount: (owed - credit).toString() },
      });
      const grant = await keeper.getGrant(ctx, entry.granter, entry.grantee, MsgRequestInferenceTypeUrl);
      if (!grant || grant.authorization?.typeUrl !== InferenceAuthorizationTypeUrl) return;
      if (grant.expiration && timestampToNs(grant.expiration) < msToNs(ctx.timeMs)) return;
      const auth = unpackAuthorization(grant.authorization);
      const a = auth.value as InferenceAuthorization;
      const back = [{ denom: amount.denom, amount: credit }];
      const next: InferenceAuthorization = { ...a, spendLimit: toProto([...fromProto(a.spendLimit), ...back]) };
      if (a.period && entry.periodReset && timestampToNs(a.periodReset) === timestampToNs(entry.periodReset)) {
        const raised = normalizeCoins([...fromProto(a.periodCanSpend), ...back]);
        next.periodCanSpend = toProto(minCoins(raised, fromProto(a.periodSpendLimit)));
      }
      await keeper.updateAuthorization(ctx, entry.granter, entry.grantee, { kind: auth.kind, value: next });
      ctx.eventManager.emit(ev.inferenceCredit(requestId, entry.granter, entry.grantee, coinsToString(back)));
    },
    async afterRequestClosed(ctx, requestId) {
      await deleteGrantedRequest(ctx, requestId);
    },
  };
}
