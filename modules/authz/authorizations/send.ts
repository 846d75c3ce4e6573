// cosmos.bank.v1beta1.SendAuthorization (SDK v0.50 x/bank/types/send_authorization.go): MsgSend up
// to spend_limit in all, only to allow_list when it is not empty; deleted when the limit is used up.
import { SendAuthorization } from "cosmjs-types/cosmos/bank/v1beta1/authz";
import type { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import {
  ErrBankDuplicateEntry,
  ErrInsufficientFunds,
  ErrInvalidCoins,
  ErrUnauthorized,
} from "../../../chain/errors/errors.ts";
import type { AuthorizationKind } from "../authorization.ts";
import { fromProto, positiveCoins, safeSub, toProto } from "./limits.ts";

const MsgSendTypeUrl = "/cosmos.bank.v1beta1.MsgSend";
/** gas per allow_list entry compared (the SDK's bank gasCostPerIteration) */
const GasPerIteration = 10;

export const sendAuthorization: AuthorizationKind<SendAuthorization> = {
  typeUrl: SendAuthorization.typeUrl,
  decode: (b) => SendAuthorization.decode(b),
  encode: (a) => SendAuthorization.encode(a).finish(),
  toJson: (a) => ({ spend_limit: a.spendLimit, allow_list: a.allowList }),
  fromJson: (j) =>
    SendAuthorization.fromPartial({
      spendLimit: (j.spend_limit as never) ?? [],
      allowList: (j.allow_list as never) ?? [],
    }),
  msgTypeUrl: () => MsgSendTypeUrl,
  validateBasic(a) {
    if (a.spendLimit.length === 0) throw ErrInvalidCoins.wrap("spend limit cannot be nil");
    positiveCoins(a.spendLimit, "spend limit");
    if (new Set(a.allowList).size !== a.allowList.length) throw ErrBankDuplicateEntry.wrap("allow list");
  },
  async accept(ctx, a, msg) {
    const send = msg as MsgSend;
    const left = safeSub(fromProto(a.spendLimit), fromProto(send.amount));
    if (!left) throw ErrInsufficientFunds.wrap("requested amount is more than spend limit");
    let allowed = a.allowList.length === 0;
    for (const addr of a.allowList) {
      ctx.gasMeter.consume(GasPerIteration, "send authorization");
      if (addr === send.toAddress) {
        allowed = true;
        break;
      }
    }
    if (!allowed) throw ErrUnauthorized.wrap(`cannot send to ${send.toAddress} address`);
    if (left.length === 0) return { accept: true, delete: true };
    return { accept: true, delete: false, updated: { spendLimit: toProto(left), allowList: a.allowList } };
  },
};
