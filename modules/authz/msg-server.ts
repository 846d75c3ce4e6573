// x/authz Msg service (SDK v0.50 x/authz/keeper/msg_server.go): MsgGrant, MsgExec, MsgRevoke.
import {
  MsgExec,
  MsgExecResponse,
  MsgGrant,
  MsgGrantResponse,
  MsgRevoke,
  MsgRevokeResponse,
} from "cosmjs-types/cosmos/authz/v1beta1/tx";
import type { Configurator, MsgType } from "../../chain/baseapp/module.ts";
import {
  CodedError,
  ErrInvalidAddress,
  ErrInvalidRequest,
  ErrInvalidType,
  ErrTxDecode,
  ErrUnauthorized,
} from "../../chain/errors/errors.ts";
import { checkAddress } from "../../chain/types/address.ts";
import { unpackAuthorization } from "./authorization.ts";
import { ErrGranteeIsGranter } from "./errors.ts";
import type { MsgRouterI } from "./expected-keepers.ts";
import type { AuthzKeeper, ExecMsg } from "./keeper.ts";

/**
 * MsgExec inside MsgExec is allowed (as the SDK), but only this deep: each level is a nested call,
 * and a tx of nested MsgExecs must not exhaust the node's stack.
 */
export const MaxExecDepth = 8;

export const MsgGrantType: MsgType<MsgGrant> = {
  typeUrl: MsgGrant.typeUrl,
  decode: (b) => MsgGrant.decode(b),
  encode: (m) => MsgGrant.encode(m).finish(),
  signers: (m) => [m.granter],
};

export const MsgExecType: MsgType<MsgExec> = {
  typeUrl: MsgExec.typeUrl,
  decode: (b) => MsgExec.decode(b),
  encode: (m) => MsgExec.encode(m).finish(),
  signers: (m) => [m.grantee],
};

export const MsgRevokeType: MsgType<MsgRevoke> = {
  typeUrl: MsgRevoke.typeUrl,
  decode: (b) => MsgRevoke.decode(b),
  encode: (m) => MsgRevoke.encode(m).finish(),
  signers: (m) => [m.granter],
  toAmino: (m) => ({
    type: "cosmos-sdk/MsgRevoke",
    value: { granter: m.granter, grantee: m.grantee, msg_type_url: m.msgTypeUrl },
  }),
};

/** MsgExec.GetMessages + validateMsgs: each Any resolved by the router, decoded, ValidateBasic'd. */
function execMessages(router: MsgRouterI, msg: MsgExec, depth: number): ExecMsg[] {
  return msg.msgs.map((any, i) => {
    const reg = router.msg(any.typeUrl);
    if (!reg) throw ErrTxDecode.wrap(`unable to resolve type URL ${any.typeUrl}`);
    let inner: unknown;
    try {
      inner = reg.type.decode(any.value);
    } catch (e) {
      throw ErrTxDecode.wrap(`msg ${i} (${any.typeUrl}): ${e instanceof Error ? e.message : String(e)}`);
    }
    if (any.typeUrl === MsgExec.typeUrl) {
      if (depth + 1 >= MaxExecDepth) throw ErrInvalidRequest.wrap(`MsgExec nested deeper than ${MaxExecDepth}`);
      execMessages(router, inner as MsgExec, depth + 1);
    }
    try {
      reg.type.validateBasic?.(inner);
    } catch (e) {
      if (e instanceof CodedError) throw new CodedError(e.registered, `msg ${i}: ${e.message}`);
      throw e;
    }
    return { typeUrl: any.typeUrl, msg: inner };
  });
}

export function registerMsgServer(cfg: Configurator, keeper: AuthzKeeper): void {
  const { accountKeeper, bankKeeper, router } = keeper.deps;

  cfg.registerMsg(MsgGrantType, async (ctx, msg) => {
    if (msg.grantee.toLowerCase() === msg.granter.toLowerCase()) throw ErrGranteeIsGranter.wrap(msg.granter);
    checkAddress(msg.grantee, "grantee");
    checkAddress(msg.granter, "granter");
    const auth = unpackAuthorization(msg.grant?.authorization);
    auth.kind.validateBasic(auth.value);
    // the grantee's account is created if it does not exist (not for a blocked module account)
    if (!(await accountKeeper.hasAccount(ctx, msg.grantee))) {
      if (bankKeeper.blockedAddr(msg.grantee))
        throw ErrUnauthorized.wrap(`${msg.grantee} is not allowed to receive funds`);
      accountKeeper.setAccount(ctx, await accountKeeper.newAccountWithAddress(ctx, msg.grantee));
    }
    const t = auth.kind.msgTypeUrl(auth.value);
    if (!router.msg(t)) throw ErrInvalidType.wrap(`${t} doesn't exist.`);
    await keeper.saveGrant(ctx, msg.granter, msg.grantee, auth, msg.grant?.expiration);
    return { typeUrl: MsgGrantResponse.typeUrl, value: MsgGrantResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgRevokeType, async (ctx, msg) => {
    if (msg.grantee.toLowerCase() === msg.granter.toLowerCase()) throw ErrGranteeIsGranter.wrap(msg.granter);
    checkAddress(msg.grantee, "grantee");
    checkAddress(msg.granter, "granter");
    if (msg.msgTypeUrl === "") throw ErrInvalidRequest.wrap("missing msg method name");
    await keeper.deleteGrant(ctx, msg.granter, msg.grantee, msg.msgTypeUrl);
    return { typeUrl: MsgRevokeResponse.typeUrl, value: MsgRevokeResponse.encode({}).finish() };
  });

  cfg.registerMsg(MsgExecType, async (ctx, msg) => {
    if (msg.grantee === "") throw ErrInvalidAddress.wrap("empty address string is not allowed");
    checkAddress(msg.grantee, "grantee");
    if (msg.msgs.length === 0) throw ErrInvalidRequest.wrap("messages cannot be empty");
    const results = await keeper.dispatchActions(ctx, msg.grantee, execMessages(router, msg, 0));
    return { typeUrl: MsgExecResponse.typeUrl, value: MsgExecResponse.encode({ results }).finish() };
  });
}
