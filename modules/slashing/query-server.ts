// x/slashing gRPC Query service (cosmos.slashing.v1beta1.Query): Params, SigningInfo, SigningInfos
// (paginated over the signing-info prefix), protobuf in / protobuf out.
import {
  QueryParamsRequest,
  QueryParamsResponse,
  QuerySigningInfoRequest,
  QuerySigningInfoResponse,
  QuerySigningInfosRequest,
  QuerySigningInfosResponse,
} from "cosmjs-types/cosmos/slashing/v1beta1/query";
import { ValidatorSigningInfo } from "cosmjs-types/cosmos/slashing/v1beta1/slashing";
import { invalidArgument, notFound } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import type { SlashingKeeper } from "./keeper.ts";
import { consAddressFromString, StoreKey, ValidatorSigningInfoKeyPrefix } from "./keys.ts";
import { paramsToProto } from "./params.ts";

const P = "/cosmos.slashing.v1beta1.Query/";

export function registerQueryServer(cfg: Configurator, k: SlashingKeeper): void {
  cfg.registerQuery(
    `${P}Params`,
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx) => ({
      params: paramsToProto(await k.getParams(ctx)),
    })),
  );
  cfg.registerQuery(
    `${P}SigningInfo`,
    queryHandler(QuerySigningInfoRequest, QuerySigningInfoResponse, async (ctx, r) => {
      if (r.consAddress === "") throw invalidArgument("invalid request");
      let consAddr: Uint8Array;
      try {
        consAddr = consAddressFromString(r.consAddress);
      } catch (e) {
        throw invalidArgument(e instanceof Error ? e.message : String(e));
      }
      const info = await k.getSigningInfo(ctx, consAddr);
      if (!info) throw notFound(`SigningInfo not found for validator ${r.consAddress}`);
      return { valSigningInfo: info };
    }),
  );
  cfg.registerQuery(
    `${P}SigningInfos`,
    queryHandler(QuerySigningInfosRequest, QuerySigningInfosResponse, async (ctx, r) => {
      const { items, pagination } = await paginate(
        ctx.kvStore(StoreKey),
        ValidatorSigningInfoKeyPrefix,
        r.pagination,
        (_key, v) => ValidatorSigningInfo.decode(v),
      );
      return { info: items, pagination };
    }),
  );
}
