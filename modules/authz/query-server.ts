// x/authz gRPC Query service (cosmos.authz.v1beta1.Query): Grants, GranterGrants, GranteeGrants,
// paginated over the grant store as the SDK's (expired grants not yet pruned are listed too).
import { Grant } from "cosmjs-types/cosmos/authz/v1beta1/authz";
import {
  QueryGranteeGrantsRequest,
  QueryGranteeGrantsResponse,
  QueryGranterGrantsRequest,
  QueryGranterGrantsResponse,
  QueryGrantsRequest,
  QueryGrantsResponse,
} from "cosmjs-types/cosmos/authz/v1beta1/query";
import { parseAddressArg } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import { addressToString } from "../../chain/types/address.ts";
import { bytesEqual, concat } from "../../chain/types/bytes.ts";
import { ErrNoAuthorizationFound } from "./errors.ts";
import type { AuthzKeeper } from "./keeper.ts";
import { GrantPrefix, granterPrefix, grantStoreKey, parseGrantKey, StoreKey } from "./keys.ts";

const P = "/cosmos.authz.v1beta1.Query/";

export function registerQueryServer(cfg: Configurator, k: AuthzKeeper): void {
  cfg.registerQuery(
    `${P}Grants`,
    queryHandler(QueryGrantsRequest, QueryGrantsResponse, async (ctx, r) => {
      const granter = parseAddressArg(r.granter, "granter");
      const grantee = parseAddressArg(r.grantee, "grantee");
      if (r.msgTypeUrl !== "") {
        const grant = await k.getGrant(ctx, r.granter, r.grantee, r.msgTypeUrl);
        if (!grant) throw ErrNoAuthorizationFound.wrap(`authorization not found for ${r.msgTypeUrl} type`);
        return { grants: [grant] };
      }
      const page = await paginate(ctx.kvStore(StoreKey), grantStoreKey(granter, grantee, ""), r.pagination, (_k, v) =>
        Grant.decode(v),
      );
      return { grants: page.items, pagination: page.pagination };
    }),
  );

  cfg.registerQuery(
    `${P}GranterGrants`,
    queryHandler(QueryGranterGrantsRequest, QueryGranterGrantsResponse, async (ctx, r) => {
      const granter = parseAddressArg(r.granter, "granter");
      const prefix = granterPrefix(granter);
      const page = await paginate(ctx.kvStore(StoreKey), prefix, r.pagination, (key, v) => {
        const { grantee } = parseGrantKey(concat([granter.length], granter, key));
        const g = Grant.decode(v);
        return { granter: r.granter, grantee: addressToString(grantee), ...g };
      });
      return { grants: page.items, pagination: page.pagination };
    }),
  );

  cfg.registerQuery(
    `${P}GranteeGrants`,
    queryHandler(QueryGranteeGrantsRequest, QueryGranteeGrantsResponse, async (ctx, r) => {
      const grantee = parseAddressArg(r.grantee, "grantee");
      // every grant is looked at, those of other grantees skipped (the SDK's filtered pagination)
      const page = await paginate(ctx.kvStore(StoreKey), GrantPrefix, r.pagination, (key, v) => {
        const parsed = parseGrantKey(key);
        if (!bytesEqual(parsed.grantee, grantee)) return undefined;
        return { granter: addressToString(parsed.granter), grantee: r.grantee, ...Grant.decode(v) };
      });
      return { grants: page.items, pagination: page.pagination };
    }),
  );
}
