// The maturity queues (SDK x/staking/keeper/delegation.go UBD / redelegation queues and
// validator.go's unbonding validator queue): time-sliced lists of what completes when. EndBlock
// dequeues the mature slices (abci.ts).

import {
  DVPairs,
  DVVTriplets,
  type Redelegation,
  type UnbondingDelegation,
  ValAddresses,
  type Validator,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Context } from "../../../chain/baseapp/context.ts";
import { inclusiveEnd, redQueueKey, ubdQueueKey, validatorQueueKey } from "../keys.ts";
import { timestampToMs } from "../types.ts";
import type { KeeperCore } from "./core.ts";

async function getTimeSlice<T>(
  k: KeeperCore,
  ctx: Context,
  key: Uint8Array,
  codec: { decode(b: Uint8Array): T },
): Promise<T | undefined> {
  const b = await k.store(ctx).get(key);
  return b ? codec.decode(b) : undefined;
}

export async function insertUBDQueue(
  k: KeeperCore,
  ctx: Context,
  u: UnbondingDelegation,
  completionMs: number,
): Promise<void> {
  const key = ubdQueueKey(completionMs);
  const slice = (await getTimeSlice(k, ctx, key, DVPairs)) ?? { pairs: [] };
  slice.pairs.push({ delegatorAddress: u.delegatorAddress, validatorAddress: u.validatorAddress });
  k.store(ctx).set(key, DVPairs.encode(slice).finish());
}

export async function insertRedelegationQueue(
  k: KeeperCore,
  ctx: Context,
  r: Redelegation,
  completionMs: number,
): Promise<void> {
  const key = redQueueKey(completionMs);
  const slice = (await getTimeSlice(k, ctx, key, DVVTriplets)) ?? { triplets: [] };
  slice.triplets.push({
    delegatorAddress: r.delegatorAddress,
    validatorSrcAddress: r.validatorSrcAddress,
    validatorDstAddress: r.validatorDstAddress,
  });
  k.store(ctx).set(key, DVVTriplets.encode(slice).finish());
}

/** Entries of a queue up to and including `endKey`, removed from the store. */
export async function dequeueMature(
  k: KeeperCore,
  ctx: Context,
  prefix: Uint8Array,
  endKey: Uint8Array,
): Promise<Uint8Array[]> {
  const s = k.store(ctx);
  const found: [Uint8Array, Uint8Array][] = [];
  for await (const [key, v] of s.iterate({ start: prefix, end: inclusiveEnd(endKey) })) {
    found.push([Uint8Array.from(key), Uint8Array.from(v)]);
  }
  for (const [key] of found) s.delete(key);
  return found.map(([, v]) => v);
}

export async function insertUnbondingValidatorQueue(k: KeeperCore, ctx: Context, v: Validator): Promise<void> {
  const key = validatorQueueKey(timestampToMs(v.unbondingTime), v.unbondingHeight);
  const slice = (await getTimeSlice(k, ctx, key, ValAddresses)) ?? { addresses: [] };
  slice.addresses.push(v.operatorAddress);
  k.store(ctx).set(key, ValAddresses.encode(slice).finish());
}

export async function deleteValidatorQueue(k: KeeperCore, ctx: Context, v: Validator): Promise<void> {
  const key = validatorQueueKey(timestampToMs(v.unbondingTime), v.unbondingHeight);
  const slice = await getTimeSlice(k, ctx, key, ValAddresses);
  if (!slice) return;
  const left = slice.addresses.filter((a) => a !== v.operatorAddress);
  if (left.length === 0) k.store(ctx).delete(key);
  else k.store(ctx).set(key, ValAddresses.encode({ addresses: left }).finish());
}
