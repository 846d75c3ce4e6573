// x/feegrant gRPC Query service (cosmos.feegrant.v1beta1.Query, SDK v0.50 keeper/grpc_query.go).
import { Grant } from "cosmjs-types/cosmos/feegrant/v1beta1/feegrant";
import {
  QueryAllowanceRequest,
  QueryAllowanceResponse,
  QueryAllowancesByGranterRequest,
  QueryAllowancesByGranterResponse,
  QueryAllowancesRequest,
  QueryAllowancesResponse,
} from "cosmjs-types/cosmos/feegrant/v1beta1/query";
import { parseAddressArg } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import { ErrNotFound } from "../../chain/errors/errors.ts";
import { bytesEqual } from "../../chain/types/bytes.ts";
import type { FeegrantKeeper } from "./keeper.ts";
import {
  FeeAllowanceKeyPrefix,
  feeAllowanceKey,
  feeAllowancePrefixByGrantee,
  parseGranteeGranterKey,
  StoreKey,
} from "./keys.ts";

const P = "/cosmos.feegrant.v1beta1.Query/";

export function registerQueryServer(cfg: Configurator, k: FeegrantKeeper): void {
  cfg.registerQuery(
    `${P}Allowance`,
    queryHandler(QueryAllowanceRequest, QueryAllowanceResponse, async (ctx, r) => {
      const granter = parseAddressArg(r.granter, "granter");
      const grantee = parseAddressArg(r.grantee, "grantee");
      const bz = await ctx.kvStore(k.storeKey).get(feeAllowanceKey(granter, grantee));
      if (!bz || bz.length === 0) throw ErrNotFound.wrap("fee-grant not found");
      return { allowance: Grant.decode(bz) };
    }),
  );
  cfg.registerQuery(
    `${P}Allowances`,
    queryHandler(QueryAllowancesRequest, QueryAllowancesResponse, async (ctx, r) => {
      const prefix = feeAllowancePrefixByGrantee(parseAddressArg(r.grantee, "grantee"));
      const { items, pagination } = await paginate(ctx.kvStore(StoreKey), prefix, r.pagination, (_key, v) =>
        Grant.decode(v),
      );
      return { allowances: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}AllowancesByGranter`,
    queryHandler(QueryAllowancesByGranterRequest, QueryAllowancesByGranterResponse, async (ctx, r) => {
      const granter = parseAddressArg(r.granter, "granter");
      // grants are keyed by grantee first: a filtered scan of them all, as the SDK does
      const { items, pagination } = await paginate(
        ctx.kvStore(StoreKey),
        FeeAllowanceKeyPrefix,
        r.pagination,
        (key, v) => (bytesEqual(parseGranteeGranterKey(key).granter, granter) ? Grant.decode(v) : undefined),
      );
      return { allowances: items, pagination };
    }),
  );
}
