// x/feegrant operations: Basic and Periodic allowances (some with a spend limit that runs out, some
// expiring), revokes, and txs whose fee the granter pays (fee.granter), sometimes without a grant.

import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { BasicAllowance, PeriodicAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import { MsgGrantAllowance, MsgRevokeAllowance } from "cosmjs-types/cosmos/feegrant/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { nsToTimestamp } from "../../../chain/baseapp/time.ts";
import type { OpEnv, Operation } from "./types.ts";
import { udgrid } from "./types.ts";

function allowance(env: OpEnv): Any {
  const expiration = env.rng.chance(0.3)
    ? nsToTimestamp(BigInt(env.chain.timeMs + env.rng.range(10, 3600) * 1000) * 1_000_000n)
    : undefined;
  const basic = BasicAllowance.fromPartial({
    spendLimit: env.rng.chance(0.7) ? udgrid(BigInt(env.rng.range(1_000, 200_000))) : [],
    expiration,
  });
  if (env.rng.chance(0.6)) return { typeUrl: BasicAllowance.typeUrl, value: BasicAllowance.encode(basic).finish() };
  const periodic = PeriodicAllowance.fromPartial({
    basic,
    period: { seconds: BigInt(env.rng.range(10, 600)), nanos: 0 },
    periodSpendLimit: udgrid(BigInt(env.rng.range(500, 20_000))),
  });
  return { typeUrl: PeriodicAllowance.typeUrl, value: PeriodicAllowance.encode(periodic).finish() };
}

export const feegrantOps: Operation[] = [
  {
    name: "feegrant/grant",
    weight: 8,
    async plan(env) {
      const granter = await env.freeAccount();
      if (!granter) return undefined;
      const grantee = env.rng.chance(0.2) ? env.newAccount() : env.rng.pick(env.accounts);
      const exists = (await env.app.feegrantKeeper.getGrant(env.ctx, granter.address, grantee.address)) !== undefined;
      const msg = MsgGrantAllowance.fromPartial({
        granter: granter.address,
        grantee: grantee.address,
        allowance: allowance(env),
      });
      return {
        signer: granter,
        msgs: [{ typeUrl: MsgGrantAllowance.typeUrl, value: MsgGrantAllowance.encode(msg).finish() }],
        invalid: exists || grantee.address === granter.address,
      };
    },
  },
  {
    name: "feegrant/revoke",
    weight: 3,
    async plan(env) {
      const all = (await env.view.feeGrants()).filter((g) => env.byAddress.has(g.granter) && !env.used.has(g.granter));
      if (all.length === 0) return undefined;
      const g = env.rng.pick(all);
      const msg = MsgRevokeAllowance.fromPartial({ granter: g.granter, grantee: g.grantee });
      return {
        signer: env.byAddress.get(g.granter)!,
        msgs: [{ typeUrl: MsgRevokeAllowance.typeUrl, value: MsgRevokeAllowance.encode(msg).finish() }],
      };
    },
  },
  {
    name: "feegrant/use",
    weight: 12,
    async plan(env) {
      const all = (await env.view.feeGrants()).filter((g) => env.byAddress.has(g.grantee) && !env.used.has(g.grantee));
      // a tx whose fee a grant pays; one in ten names a granter that granted nothing
      const bogus = all.length === 0 || env.rng.chance(0.1);
      const grantee = bogus ? await env.freeAccount() : env.byAddress.get(env.rng.pick(all).grantee);
      if (!grantee) return undefined;
      const granter = bogus
        ? env.rng.pick(env.accounts).address
        : all.find((g) => g.grantee === grantee.address)!.granter;
      const msg = MsgSend.fromPartial({ fromAddress: grantee.address, toAddress: granter, amount: udgrid(1n) });
      return {
        signer: grantee,
        msgs: [{ typeUrl: MsgSend.typeUrl, value: MsgSend.encode(msg).finish() }],
        granter,
      };
    },
  },
];
