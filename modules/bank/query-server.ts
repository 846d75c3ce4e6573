// x/bank gRPC Query service (cosmos.bank.v1beta1.Query), protobuf in / protobuf out.
import { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QueryDenomMetadataByQueryStringRequest,
  QueryDenomMetadataByQueryStringResponse,
  QueryDenomMetadataRequest,
  QueryDenomMetadataResponse,
  QueryDenomOwnersByQueryRequest,
  QueryDenomOwnersByQueryResponse,
  QueryDenomOwnersRequest,
  QueryDenomOwnersResponse,
  QueryDenomsMetadataRequest,
  QueryDenomsMetadataResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QuerySendEnabledRequest,
  QuerySendEnabledResponse,
  QuerySpendableBalanceByDenomRequest,
  QuerySpendableBalanceByDenomResponse,
  QuerySpendableBalancesRequest,
  QuerySpendableBalancesResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
  QueryTotalSupplyRequest,
  QueryTotalSupplyResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { toProtoCoin, validateDenom } from "../../chain/baseapp/coins.ts";
import type { Context } from "../../chain/baseapp/context.ts";
import { invalidArgument, notFound } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import { addressFromString, addressToString } from "../../chain/types/address.ts";
import type { BankKeeper } from "./keeper.ts";
import {
  addressBalancesPrefix,
  DenomMetadataPrefix,
  decodeInt,
  denomOwnersPrefix,
  StoreKey,
  SupplyPrefix,
} from "./keys.ts";

const P = "/cosmos.bank.v1beta1.Query/";
const dec = new TextDecoder();

function addr(a: string): Uint8Array {
  if (a === "") throw invalidArgument("empty address string is not allowed");
  try {
    return addressFromString(a);
  } catch (e) {
    throw invalidArgument(`invalid address: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function denom(d: string): void {
  try {
    validateDenom(d);
  } catch {
    throw invalidArgument(`invalid denom: ${d}`); // sdk.ValidateDenom's text
  }
}

export function registerQueryServer(cfg: Configurator, k: BankKeeper): void {
  const balancesPage = async (ctx: Context, address: string, page: QueryAllBalancesRequest["pagination"]) => {
    const prefix = addressBalancesPrefix(addr(address));
    return paginate(ctx.kvStore(StoreKey), prefix, page, (key, v) =>
      toProtoCoin({ denom: dec.decode(key), amount: decodeInt(v) }),
    );
  };

  cfg.registerQuery(
    `${P}Balance`,
    queryHandler(QueryBalanceRequest, QueryBalanceResponse, async (ctx, r) => {
      addr(r.address);
      denom(r.denom);
      return { balance: toProtoCoin(await k.getBalance(ctx, r.address, r.denom)) };
    }),
  );
  cfg.registerQuery(
    `${P}AllBalances`,
    queryHandler(QueryAllBalancesRequest, QueryAllBalancesResponse, async (ctx, r) => {
      const { items, pagination } = await balancesPage(ctx, r.address, r.pagination);
      return { balances: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}SpendableBalances`,
    queryHandler(QuerySpendableBalancesRequest, QuerySpendableBalancesResponse, async (ctx, r) => {
      const { items, pagination } = await balancesPage(ctx, r.address, r.pagination);
      return { balances: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}SpendableBalanceByDenom`,
    queryHandler(QuerySpendableBalanceByDenomRequest, QuerySpendableBalanceByDenomResponse, async (ctx, r) => {
      addr(r.address);
      denom(r.denom);
      return { balance: toProtoCoin(await k.getBalance(ctx, r.address, r.denom)) };
    }),
  );
  cfg.registerQuery(
    `${P}TotalSupply`,
    queryHandler(QueryTotalSupplyRequest, QueryTotalSupplyResponse, async (ctx, r) => {
      const { items, pagination } = await paginate(ctx.kvStore(StoreKey), SupplyPrefix, r.pagination, (key, v) =>
        toProtoCoin({ denom: dec.decode(key), amount: decodeInt(v) }),
      );
      return { supply: items, pagination };
    }),
  );
  cfg.registerQuery(
    `${P}SupplyOf`,
    queryHandler(QuerySupplyOfRequest, QuerySupplyOfResponse, async (ctx, r) => {
      denom(r.denom);
      return { amount: toProtoCoin(await k.getSupply(ctx, r.denom)) };
    }),
  );
  cfg.registerQuery(
    `${P}Params`,
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx) => ({ params: await k.getParams(ctx) })),
  );
  cfg.registerQuery(
    `${P}DenomsMetadata`,
    queryHandler(QueryDenomsMetadataRequest, QueryDenomsMetadataResponse, async (ctx, r) => {
      const { items, pagination } = await paginate(ctx.kvStore(StoreKey), DenomMetadataPrefix, r.pagination, (_k, v) =>
        Metadata.decode(v),
      );
      return { metadatas: items, pagination };
    }),
  );
  const denomMetadata = async (ctx: Context, d: string) => {
    denom(d);
    const m = await k.getDenomMetaData(ctx, d);
    if (!m) throw notFound(`client metadata for denom ${d}`);
    return { metadata: m };
  };
  // the holders of a denom, paged over the denom -> address index (keys: len(addr) | addr)
  const denomOwners = async (ctx: Context, d: string, page: QueryDenomOwnersRequest["pagination"]) => {
    denom(d);
    const { items, pagination } = await paginate(ctx.kvStore(StoreKey), denomOwnersPrefix(d), page, async (key) => {
      const address = addressToString(key.subarray(1, 1 + key[0]));
      return { address, balance: toProtoCoin(await k.getBalance(ctx, address, d)) };
    });
    return { denomOwners: items, pagination };
  };

  cfg.registerQuery(
    `${P}DenomMetadata`,
    queryHandler(QueryDenomMetadataRequest, QueryDenomMetadataResponse, (ctx, r) => denomMetadata(ctx, r.denom)),
  );
  cfg.registerQuery(
    `${P}DenomMetadataByQueryString`,
    queryHandler(QueryDenomMetadataByQueryStringRequest, QueryDenomMetadataByQueryStringResponse, (ctx, r) =>
      denomMetadata(ctx, r.denom),
    ),
  );
  cfg.registerQuery(
    `${P}DenomOwners`,
    queryHandler(QueryDenomOwnersRequest, QueryDenomOwnersResponse, (ctx, r) =>
      denomOwners(ctx, r.denom, r.pagination),
    ),
  );
  cfg.registerQuery(
    `${P}DenomOwnersByQuery`,
    queryHandler(QueryDenomOwnersByQueryRequest, QueryDenomOwnersByQueryResponse, (ctx, r) =>
      denomOwners(ctx, r.denom, r.pagination),
    ),
  );
  cfg.registerQuery(
    `${P}SendEnabled`,
    queryHandler(QuerySendEnabledRequest, QuerySendEnabledResponse, async (ctx, r) => {
      const all = await k.getSendEnabledEntries(ctx);
      const list = r.denoms.length > 0 ? all.filter((s) => r.denoms.includes(s.denom)) : all;
      return { sendEnabled: list };
    }),
  );
}
