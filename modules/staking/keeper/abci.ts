// EndBlock (SDK x/staking/keeper/abci.go EndBlocker → val_state_change.go BlockValidatorUpdates):
// the validator-set updates for CometBFT, then whatever has matured: unbonding validators,
// unbonding delegations (paid out) and redelegations (entries dropped).

import { DVPairs, DVVTriplets } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../../chain/baseapp/context.ts";
import { ErrNoRedelegation, ErrNoUnbondingDelegation } from "../errors.ts";
import * as ev from "../events.ts";
import { RedelegationQueueKey, redQueueKey, UnbondingQueueKey, ubdQueueKey } from "../keys.ts";
import { accAddrFromString, valAddrFromString } from "../types.ts";
import type { KeeperCore } from "./core.ts";
import { bondDenom } from "./params.ts";
import { dequeueMature } from "./queues.ts";
import { completeRedelegation } from "./redelegation.ts";
import { completeUnbonding } from "./unbonding-delegation.ts";
import { applyAndReturnValidatorSetUpdates, unbondAllMatureValidators } from "./val-state-change.ts";

/** EndBlocker (BlockValidatorUpdates): set updates, mature validators, unbondings, redelegations. */
export async function endBlocker(k: KeeperCore, ctx: Context): Promise<ValidatorUpdate[]> {
  const updates = await applyAndReturnValidatorSetUpdates(k, ctx);
  await unbondAllMatureValidators(k, ctx);
  const denom = await bondDenom(k, ctx);
  const ubds = await dequeueMature(k, ctx, UnbondingQueueKey, ubdQueueKey(ctx.timeMs));
  for (const b of ubds) {
    for (const p of DVPairs.decode(b).pairs) {
      try {
        const paid = await completeUnbonding(
          k,
          ctx,
          accAddrFromString(p.delegatorAddress),
          valAddrFromString(p.validatorAddress),
        );
        ctx.eventManager.emit(ev.completeUnbonding(`${paid}${denom}`, p.validatorAddress, p.delegatorAddress));
      } catch (e) {
        if (!ErrNoUnbondingDelegation.is(e)) throw e;
      }
    }
  }
  const reds = await dequeueMature(k, ctx, RedelegationQueueKey, redQueueKey(ctx.timeMs));
  for (const b of reds) {
    for (const t of DVVTriplets.decode(b).triplets) {
      try {
        const amt = await completeRedelegation(
          k,
          ctx,
          accAddrFromString(t.delegatorAddress),
          valAddrFromString(t.validatorSrcAddress),
          valAddrFromString(t.validatorDstAddress),
        );
        ctx.eventManager.emit(
          ev.completeRedelegation(`${amt}${denom}`, t.delegatorAddress, t.validatorSrcAddress, t.validatorDstAddress),
        );
      } catch (e) {
        if (!ErrNoRedelegation.is(e)) throw e;
      }
    }
  }
  return updates;
}
