// x/staking and x/slashing operations: create, edit, delegate, undelegate, redelegate, unjail.
// Valid ones take their validators and amounts from the committed state; the invalid ones ask for
// more than the signer has or names a validator that does not exist.

import { MsgUnjail } from "cosmjs-types/cosmos/slashing/v1beta1/tx";
import type { Delegation, Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import {
  MsgBeginRedelegate,
  MsgCreateValidator,
  MsgDelegate,
  MsgEditValidator,
  MsgUndelegate,
} from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { decFromProtoString, decToProtoString, parseDec } from "../../../chain/baseapp/dec.ts";
import { Ed25519Key } from "../../../chain/types/keys.ts";
import { ed25519PubKeyAny } from "../../../chain/types/pubkey.ts";
import { sharesOf, tokensOf } from "../../../modules/staking/types.ts";
import { amountWithin } from "./bank.ts";
import type { OpEnv, Operation, PlannedTx } from "./types.ts";

const coin = (amount: bigint) => ({ denom: "udgrid", amount: amount.toString() });

async function validators(env: OpEnv): Promise<Validator[]> {
  return env.view.validators();
}

/** a validator from state, or (one in twenty) an address with no validator */
async function someValidator(env: OpEnv): Promise<{ address: string; invalid: boolean } | undefined> {
  if (env.rng.chance(0.05)) return { address: env.newAccount().valoper, invalid: true };
  const vs = await validators(env);
  return vs.length === 0 ? undefined : { address: env.rng.pick(vs).operatorAddress, invalid: false };
}

/** the operator account the simulation holds for a validator, if it signs nothing else in this block */
function operatorOf(env: OpEnv, v: Validator) {
  const acc = env.byValoper.get(v.operatorAddress);
  return acc && !env.used.has(acc.address) ? acc : undefined;
}

/**
 * a delegation of a free signer, with its tokens: a random account first, then one of its delegations
 * (as the SDK's SimulateMsgUndelegate), so the cost is that account's delegations, not every one in state
 */
async function someDelegation(env: OpEnv) {
  let mine: Delegation[] = [];
  for (let i = 0; i < 8 && mine.length === 0; i++) {
    const from = await env.freeAccount();
    if (!from) return undefined;
    mine = await env.app.stakingKeeper.delegatorDelegations(env.ctx, from.address);
  }
  if (mine.length === 0) return undefined;
  const d = env.rng.pick(mine);
  const v = await env.view.validator(d.validatorAddress);
  if (!v || sharesOf(v) === 0n) return undefined;
  const tokens = (decFromProtoString(d.shares) * tokensOf(v)) / sharesOf(v);
  return { d, v, tokens, signer: env.byAddress.get(d.delegatorAddress)! };
}

function tx(signer: PlannedTx["signer"], typeUrl: string, value: Uint8Array, invalid = false): PlannedTx {
  return { signer, msgs: [{ typeUrl, value }], invalid };
}

export const stakingOps: Operation[] = [
  {
    name: "staking/create-validator",
    weight: 4,
    async plan(env) {
      const from = await env.freeAccount();
      if (!from) return undefined;
      const exists = (await env.view.validator(from.valoper)) !== undefined;
      const balance = (await env.app.bankKeeper.getBalance(env.ctx, from.address, "udgrid")).amount;
      const { amount, invalid } = amountWithin(env, balance);
      const key = Ed25519Key.fromSeed(env.rng.bytes(32));
      env.chain.addKey(key);
      const rate = env.rng.range(0, 20);
      const msg = MsgCreateValidator.fromPartial({
        description: { moniker: `sim-${from.address.slice(-6)}` },
        commission: {
          rate: decToProtoString(parseDec(`0.${String(rate).padStart(2, "0")}`)),
          maxRate: decToProtoString(parseDec("0.5")),
          maxChangeRate: decToProtoString(parseDec("0.05")),
        },
        minSelfDelegation: "1",
        delegatorAddress: "",
        validatorAddress: from.valoper,
        pubkey: ed25519PubKeyAny(key.pubKey),
        value: coin(amount),
      });
      return tx(from, MsgCreateValidator.typeUrl, MsgCreateValidator.encode(msg).finish(), invalid || exists);
    },
  },
  {
    name: "staking/edit-validator",
    weight: 5,
    async plan(env) {
      const vs = await validators(env);
      if (vs.length === 0) return undefined;
      const v = env.rng.pick(vs);
      const op = operatorOf(env, v);
      if (!op) return undefined;
      const current = decFromProtoString(v.commission?.commissionRates?.rate ?? "0");
      // within max_change_rate (0.01 for genesis validators), or (invalid) far over it
      const far = env.rng.chance(0.2);
      const step = far ? parseDec("0.3") : parseDec("0.005");
      const next = current + step;
      const msg = MsgEditValidator.fromPartial({
        description: {
          moniker: `sim-edit-${env.rng.u32().toString(16)}`,
          identity: "[do-not-modify]",
          website: "[do-not-modify]",
          securityContact: "[do-not-modify]",
          details: "[do-not-modify]",
        },
        validatorAddress: v.operatorAddress,
        commissionRate: env.rng.chance(0.5) ? decToProtoString(next) : "",
        minSelfDelegation: "",
      });
      return tx(op, MsgEditValidator.typeUrl, MsgEditValidator.encode(msg).finish(), far);
    },
  },
  {
    name: "staking/delegate",
    weight: 40,
    async plan(env) {
      const from = await env.freeAccount();
      const val = await someValidator(env);
      if (!from || !val) return undefined;
      const { amount, invalid } = amountWithin(
        env,
        (await env.app.bankKeeper.getBalance(env.ctx, from.address, "udgrid")).amount,
      );
      const msg = MsgDelegate.fromPartial({
        delegatorAddress: from.address,
        validatorAddress: val.address,
        amount: coin(amount),
      });
      return tx(from, MsgDelegate.typeUrl, MsgDelegate.encode(msg).finish(), invalid || val.invalid);
    },
  },
  {
    name: "staking/undelegate",
    weight: 20,
    async plan(env) {
      const del = await someDelegation(env);
      if (!del || del.tokens <= 0n) return undefined;
      const { amount, invalid } = amountWithin(env, del.tokens);
      const msg = MsgUndelegate.fromPartial({
        delegatorAddress: del.d.delegatorAddress,
        validatorAddress: del.d.validatorAddress,
        amount: coin(amount),
      });
      return tx(del.signer, MsgUndelegate.typeUrl, MsgUndelegate.encode(msg).finish(), invalid);
    },
  },
  {
    name: "staking/redelegate",
    weight: 20,
    async plan(env) {
      const del = await someDelegation(env);
      const dst = await someValidator(env);
      if (!del || !dst || del.tokens <= 0n) return undefined;
      const { amount, invalid } = amountWithin(env, del.tokens);
      const msg = MsgBeginRedelegate.fromPartial({
        delegatorAddress: del.d.delegatorAddress,
        validatorSrcAddress: del.d.validatorAddress,
        validatorDstAddress: dst.address,
        amount: coin(amount),
      });
      const same = dst.address === del.d.validatorAddress;
      return tx(
        del.signer,
        MsgBeginRedelegate.typeUrl,
        MsgBeginRedelegate.encode(msg).finish(),
        invalid || dst.invalid || same,
      );
    },
  },
  {
    name: "slashing/unjail",
    weight: 10,
    async plan(env) {
      const vs = await validators(env);
      const jailed = vs.filter((v) => v.jailed);
      // mostly a jailed validator (valid once its jail time is over), sometimes one that is not jailed
      const pool = jailed.length > 0 && env.rng.chance(0.9) ? jailed : vs;
      if (pool.length === 0) return undefined;
      const v = env.rng.pick(pool);
      const op = operatorOf(env, v);
      if (!op) return undefined;
      const msg = MsgUnjail.fromPartial({ validatorAddr: v.operatorAddress });
      return tx(op, MsgUnjail.typeUrl, MsgUnjail.encode(msg).finish(), !v.jailed);
    },
  },
];
