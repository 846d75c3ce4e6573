// x/authz operations: grants (generic, SendAuthorization, InferenceAuthorization; some expiring soon,
// some already expired), MsgExec of what a grant allows (a send or an inference request paid by the
// granter) or of what it does not, and revokes.
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { MsgExec, MsgGrant, MsgRevoke } from "cosmjs-types/cosmos/authz/v1beta1/tx";
import { SendAuthorization } from "cosmjs-types/cosmos/bank/v1beta1/authz";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { MsgDelegate } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { nsToTimestamp } from "../../../chain/baseapp/time.ts";
import { InferenceAuthorization } from "../../../proto/gen/dgrid/inference/v1/authz.ts";
import { MsgRequestInference } from "../../../proto/gen/dgrid/inference/v1/tx.ts";
import { requestMsg } from "./inference.ts";
import type { OpEnv, Operation } from "./types.ts";
import { udgrid } from "./types.ts";
import type { GrantRow } from "./view.ts";

const INFERENCE_AUTH = "/dgrid.inference.v1.InferenceAuthorization";
const REQUEST = "/dgrid.inference.v1.MsgRequestInference";

function authorization(env: OpEnv): Any {
  const kind = env.rng.int(3);
  if (kind === 0)
    return {
      typeUrl: GenericAuthorization.typeUrl,
      value: GenericAuthorization.encode({ msg: env.rng.pick([MsgSend.typeUrl, MsgDelegate.typeUrl]) }).finish(),
    };
  if (kind === 1)
    return {
      typeUrl: SendAuthorization.typeUrl,
      value: SendAuthorization.encode({
        spendLimit: udgrid(BigInt(env.rng.range(1, 100)) * 1_000_000n),
        allowList: [],
      }).finish(),
    };
  const period = env.rng.chance(0.5);
  const auth = InferenceAuthorization.fromPartial({
    spendLimit: udgrid(BigInt(env.rng.range(1_000, 100_000))),
    maxFeePerRequest: env.rng.chance(0.5) ? { denom: "udgrid", amount: String(env.rng.range(100, 20_000)) } : undefined,
    period: period ? { seconds: BigInt(env.rng.range(30, 600)), nanos: 0 } : undefined,
    periodSpendLimit: period ? udgrid(BigInt(env.rng.range(500, 20_000))) : [],
  });
  return { typeUrl: INFERENCE_AUTH, value: InferenceAuthorization.encode(auth).finish() };
}

/** the message a grant's grantee would exec, with the granter as its signer */
async function execFor(env: OpEnv, g: GrantRow): Promise<Any | undefined> {
  const url = g.grant.authorization?.typeUrl;
  if (url === INFERENCE_AUTH) {
    const r = await requestMsg(env, g.granter);
    return r && { typeUrl: REQUEST, value: MsgRequestInference.encode(r.msg).finish() };
  }
  const generic =
    url === GenericAuthorization.typeUrl ? GenericAuthorization.decode(g.grant.authorization!.value).msg : undefined;
  if (generic === MsgDelegate.typeUrl) {
    const vs = await env.view.validators();
    if (vs.length === 0) return undefined;
    const msg = MsgDelegate.fromPartial({
      delegatorAddress: g.granter,
      validatorAddress: env.rng.pick(vs).operatorAddress,
      amount: { denom: "udgrid", amount: String(env.rng.range(1, 5_000_000)) },
    });
    return { typeUrl: MsgDelegate.typeUrl, value: MsgDelegate.encode(msg).finish() };
  }
  const msg = MsgSend.fromPartial({
    fromAddress: g.granter,
    toAddress: env.rng.pick(env.accounts).address,
    amount: udgrid(BigInt(env.rng.range(1, 20_000_000))),
  });
  return { typeUrl: MsgSend.typeUrl, value: MsgSend.encode(msg).finish() };
}

export const authzOps: Operation[] = [
  {
    name: "authz/grant",
    weight: 12,
    async plan(env) {
      const granter = await env.freeAccount();
      if (!granter) return undefined;
      const grantee = env.rng.pick(env.accounts);
      const self = grantee.address === granter.address;
      // no expiry, one later on (minutes), or one already past (refused)
      const r = env.rng.int(10);
      const expMs =
        r < 4 ? undefined : r < 9 ? env.chain.timeMs + env.rng.range(10, 3600) * 1000 : env.chain.timeMs - 1000;
      const msg = MsgGrant.fromPartial({
        granter: granter.address,
        grantee: grantee.address,
        grant: {
          authorization: authorization(env),
          expiration: expMs === undefined ? undefined : nsToTimestamp(BigInt(expMs) * 1_000_000n),
        },
      });
      return {
        signer: granter,
        msgs: [{ typeUrl: MsgGrant.typeUrl, value: MsgGrant.encode(msg).finish() }],
        invalid: self || r === 9,
      };
    },
  },
  {
    name: "authz/exec",
    weight: 25,
    async plan(env) {
      const all = (await env.view.authzGrants()).filter(
        (g) => env.byAddress.has(g.grantee) && !env.used.has(g.grantee),
      );
      if (all.length === 0) return undefined;
      const g = env.rng.pick(all);
      const inner = await execFor(env, g);
      if (!inner) return undefined;
      const grantee = env.byAddress.get(g.grantee)!;
      const msg = MsgExec.fromPartial({ grantee: g.grantee, msgs: [inner] });
      return { signer: grantee, msgs: [{ typeUrl: MsgExec.typeUrl, value: MsgExec.encode(msg).finish() }] };
    },
  },
  {
    name: "authz/revoke",
    weight: 4,
    async plan(env) {
      const all = (await env.view.authzGrants()).filter(
        (g) => env.byAddress.has(g.granter) && !env.used.has(g.granter),
      );
      if (all.length === 0) return undefined;
      const g = env.rng.pick(all);
      const url = g.grant.authorization?.typeUrl;
      const msgType =
        url === INFERENCE_AUTH
          ? REQUEST
          : url === SendAuthorization.typeUrl
            ? MsgSend.typeUrl
            : GenericAuthorization.decode(g.grant.authorization!.value).msg;
      const msg = MsgRevoke.fromPartial({ granter: g.granter, grantee: g.grantee, msgTypeUrl: msgType });
      return {
        signer: env.byAddress.get(g.granter)!,
        msgs: [{ typeUrl: MsgRevoke.typeUrl, value: MsgRevoke.encode(msg).finish() }],
      };
    },
  },
];
