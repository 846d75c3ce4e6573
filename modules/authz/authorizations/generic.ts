// cosmos.authz.v1beta1.GenericAuthorization: any message of one type, without limit.
import { GenericAuthorization } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import { ErrInvalidType } from "../../../chain/errors/errors.ts";
import type { AuthorizationKind } from "../authorization.ts";

export const genericAuthorization: AuthorizationKind<GenericAuthorization> = {
  typeUrl: GenericAuthorization.typeUrl,
  decode: (b) => GenericAuthorization.decode(b),
  encode: (a) => GenericAuthorization.encode(a).finish(),
  toJson: (a) => ({ msg: a.msg }),
  fromJson: (j) => ({ msg: typeof j.msg === "string" ? j.msg : "" }),
  msgTypeUrl: (a) => a.msg,
  validateBasic(a) {
    if (a.msg === "") throw ErrInvalidType.wrap("GenericAuthorization: msg type URL is empty");
  },
  accept: async () => ({ accept: true, delete: false }),
};
