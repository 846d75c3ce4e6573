// x/staking gRPC Query service (cosmos.staking.v1beta1.Query, SDK v0.50 keeper/grpc_query.go),
// protobuf in / protobuf out, the responses CosmJS's setupStakingExtension decodes.
import type { PageRequest } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import {
  QueryDelegationRequest,
  QueryDelegationResponse,
  QueryDelegatorDelegationsRequest,
  QueryDelegatorDelegationsResponse,
  QueryDelegatorUnbondingDelegationsRequest,
  QueryDelegatorUnbondingDelegationsResponse,
  QueryDelegatorValidatorRequest,
  QueryDelegatorValidatorResponse,
  QueryDelegatorValidatorsRequest,
  QueryDelegatorValidatorsResponse,
  QueryHistoricalInfoRequest,
  QueryHistoricalInfoResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryPoolRequest,
  QueryPoolResponse,
  QueryRedelegationsRequest,
  QueryRedelegationsResponse,
  QueryUnbondingDelegationRequest,
  QueryUnbondingDelegationResponse,
  QueryValidatorDelegationsRequest,
  QueryValidatorDelegationsResponse,
  QueryValidatorRequest,
  QueryValidatorResponse,
  QueryValidatorsRequest,
  QueryValidatorsResponse,
  QueryValidatorUnbondingDelegationsRequest,
  QueryValidatorUnbondingDelegationsResponse,
} from "cosmjs-types/cosmos/staking/v1beta1/query";
import {
  BondStatus,
  bondStatusFromJSON,
  type Delegation,
  Delegation as DelegationProto,
  type DelegationResponse,
  type Redelegation,
  Redelegation as RedelegationProto,
  type RedelegationResponse,
  UnbondingDelegation as UnbondingDelegationProto,
  Validator as ValidatorProto,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { Context } from "../../chain/baseapp/context.ts";
import { decFromProtoString, decTruncateInt } from "../../chain/baseapp/dec.ts";
import { invalidArgument, notFound } from "../../chain/baseapp/grpc-errors.ts";
import type { Configurator } from "../../chain/baseapp/module.ts";
import { paginate } from "../../chain/baseapp/pagination.ts";
import { queryHandler } from "../../chain/baseapp/query-handler.ts";
import type { StakingKeeper } from "./keeper.ts";
import {
  delegationsByDelegatorPrefix,
  delegationsByValidatorPrefix,
  readLengthPrefixed,
  redsByDelegatorPrefix,
  StoreKey,
  ubdsByDelegatorPrefix,
  ubdsByValidatorPrefix,
  ValidatorsKey,
} from "./keys.ts";
import { accAddrFromString, tokensFromShares, valAddrFromString } from "./types.ts";

const P = "/cosmos.staking.v1beta1.Query/";

function del(a: string): Uint8Array {
  if (a === "") throw invalidArgument("delegator address cannot be empty");
  try {
    return accAddrFromString(a);
  } catch (e) {
    throw invalidArgument(`invalid delegator address: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function val(a: string): Uint8Array {
  if (a === "") throw invalidArgument("validator address cannot be empty");
  try {
    return valAddrFromString(a);
  } catch (e) {
    throw invalidArgument(`invalid validator address: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function registerQueryServer(cfg: Configurator, k: StakingKeeper): void {
  const store = (ctx: Context) => ctx.kvStore(StoreKey);

  /** DelegationToDelegationResponse: the balance is the tokens the shares are worth (truncated). */
  const delegationResponse = async (ctx: Context, d: Delegation): Promise<DelegationResponse> => {
    const v = await k.validator(ctx, d.validatorAddress);
    if (!v) throw notFound(`validator ${d.validatorAddress} not found`);
    const amount = decTruncateInt(tokensFromShares(v, decFromProtoString(d.shares)));
    return { delegation: d, balance: { denom: await k.bondDenom(ctx), amount: amount.toString() } };
  };

  const redelegationResponse = async (ctx: Context, r: Redelegation): Promise<RedelegationResponse> => {
    const dst = await k.validator(ctx, r.validatorDstAddress);
    if (!dst) throw notFound(`validator ${r.validatorDstAddress} not found`);
    return {
      redelegation: r,
      entries: r.entries.map((e) => ({
        redelegationEntry: e,
        balance: decTruncateInt(tokensFromShares(dst, decFromProtoString(e.sharesDst))).toString(),
      })),
    };
  };

  const delegationsPage = (ctx: Context, prefix: Uint8Array, page: PageRequest | undefined) =>
    paginate(ctx.kvStore(StoreKey), prefix, page, async (_key, v) =>
      delegationResponse(ctx, DelegationProto.decode(v)),
    );

  cfg.registerQuery(
    `${P}Validators`,
    queryHandler(QueryValidatorsRequest, QueryValidatorsResponse, async (ctx, r) => {
      let status: BondStatus | undefined;
      if (r.status !== "") {
        status = bondStatusFromJSON(r.status);
        if (status === BondStatus.UNRECOGNIZED || status === BondStatus.BOND_STATUS_UNSPECIFIED)
          throw invalidArgument(`invalid validator status ${r.status}`);
      }
      const { items, pagination } = await paginate(store(ctx), ValidatorsKey, r.pagination, (_k, v) => {
        const x = ValidatorProto.decode(v);
        return status === undefined || x.status === status ? x : undefined;
      });
      return { validators: items, pagination };
    }),
  );

  cfg.registerQuery(
    `${P}Validator`,
    queryHandler(QueryValidatorRequest, QueryValidatorResponse, async (ctx, r) => {
      const v = await k.getValidator(ctx, val(r.validatorAddr));
      if (!v) throw notFound(`validator ${r.validatorAddr} not found`);
      return { validator: v };
    }),
  );

  cfg.registerQuery(
    `${P}ValidatorDelegations`,
    queryHandler(QueryValidatorDelegationsRequest, QueryValidatorDelegationsResponse, async (ctx, r) => {
      const op = val(r.validatorAddr);
      if (!(await k.getValidator(ctx, op))) throw notFound(`validator ${r.validatorAddr} not found`);
      const { items, pagination } = await paginate(
        store(ctx),
        delegationsByValidatorPrefix(op),
        r.pagination,
        async (key) => {
          const d = await k.getDelegation(ctx, Uint8Array.from(readLengthPrefixed(key, 0).addr), op);
          return d ? delegationResponse(ctx, d) : undefined;
        },
      );
      return { delegationResponses: items, pagination };
    }),
  );

  cfg.registerQuery(
    `${P}ValidatorUnbondingDelegations`,
    queryHandler(
      QueryValidatorUnbondingDelegationsRequest,
      QueryValidatorUnbondingDelegationsResponse,
      async (ctx, r) => {
        const op = val(r.validatorAddr);
        const { items, pagination } = await paginate(store(ctx), ubdsByValidatorPrefix(op), r.pagination, (key) =>
          k.getUnbondingDelegation(ctx, Uint8Array.from(readLengthPrefixed(key, 0).addr), op),
        );
        return { unbondingResponses: items, pagination };
      },
    ),
  );

  cfg.registerQuery(
    `${P}Delegation`,
    queryHandler(QueryDelegationRequest, QueryDelegationResponse, async (ctx, r) => {
      const d = await k.getDelegation(ctx, del(r.delegatorAddr), val(r.validatorAddr));
      if (!d) {
        throw notFound(`delegation with delegator ${r.delegatorAddr} not found for validator ${r.validatorAddr}`);
      }
      return { delegationResponse: await delegationResponse(ctx, d) };
    }),
  );

  cfg.registerQuery(
    `${P}UnbondingDelegation`,
    queryHandler(QueryUnbondingDelegationRequest, QueryUnbondingDelegationResponse, async (ctx, r) => {
      const u = await k.getUnbondingDelegation(ctx, del(r.delegatorAddr), val(r.validatorAddr));
      if (!u) {
        throw notFound(
          `unbonding delegation with delegator ${r.delegatorAddr} not found for validator ${r.validatorAddr}`,
        );
      }
      return { unbond: u };
    }),
  );

  cfg.registerQuery(
    `${P}DelegatorDelegations`,
    queryHandler(QueryDelegatorDelegationsRequest, QueryDelegatorDelegationsResponse, async (ctx, r) => {
      const { items, pagination } = await delegationsPage(
        ctx,
        delegationsByDelegatorPrefix(del(r.delegatorAddr)),
        r.pagination,
      );
      return { delegationResponses: items, pagination };
    }),
  );

  cfg.registerQuery(
    `${P}DelegatorUnbondingDelegations`,
    queryHandler(
      QueryDelegatorUnbondingDelegationsRequest,
      QueryDelegatorUnbondingDelegationsResponse,
      async (ctx, r) => {
        const { items, pagination } = await paginate(
          store(ctx),
          ubdsByDelegatorPrefix(del(r.delegatorAddr)),
          r.pagination,
          (_k, v) => UnbondingDelegationProto.decode(v),
        );
        return { unbondingResponses: items, pagination };
      },
    ),
  );

  cfg.registerQuery(
    `${P}Redelegations`,
    queryHandler(QueryRedelegationsRequest, QueryRedelegationsResponse, async (ctx, r) => {
      if (r.delegatorAddr !== "" && r.srcValidatorAddr !== "" && r.dstValidatorAddr !== "") {
        const red = await k.getRedelegation(
          ctx,
          del(r.delegatorAddr),
          val(r.srcValidatorAddr),
          val(r.dstValidatorAddr),
        );
        if (!red) {
          throw notFound(
            `redelegation not found for delegator address ${r.delegatorAddr} from validator address ${r.srcValidatorAddr}`,
          );
        }
        return { redelegationResponses: [await redelegationResponse(ctx, red)] };
      }
      if (r.delegatorAddr === "" && r.srcValidatorAddr !== "") {
        const reds = await k.redelegationsFromSrcValidator(ctx, r.srcValidatorAddr);
        return { redelegationResponses: await Promise.all(reds.map((x) => redelegationResponse(ctx, x))) };
      }
      const { items, pagination } = await paginate(
        store(ctx),
        redsByDelegatorPrefix(del(r.delegatorAddr)),
        r.pagination,
        async (_k, v) => {
          const red = RedelegationProto.decode(v);
          if (r.srcValidatorAddr !== "" && red.validatorSrcAddress !== r.srcValidatorAddr) return undefined;
          if (r.dstValidatorAddr !== "" && red.validatorDstAddress !== r.dstValidatorAddr) return undefined;
          return redelegationResponse(ctx, red);
        },
      );
      return { redelegationResponses: items, pagination };
    }),
  );

  cfg.registerQuery(
    `${P}DelegatorValidators`,
    queryHandler(QueryDelegatorValidatorsRequest, QueryDelegatorValidatorsResponse, async (ctx, r) => {
      const { items, pagination } = await paginate(
        store(ctx),
        delegationsByDelegatorPrefix(del(r.delegatorAddr)),
        r.pagination,
        async (_k, v) => {
          const d = DelegationProto.decode(v);
          const x = await k.validator(ctx, d.validatorAddress);
          if (!x) throw notFound(`validator ${d.validatorAddress} not found`);
          return x;
        },
      );
      return { validators: items, pagination };
    }),
  );

  cfg.registerQuery(
    `${P}DelegatorValidator`,
    queryHandler(QueryDelegatorValidatorRequest, QueryDelegatorValidatorResponse, async (ctx, r) => {
      const op = val(r.validatorAddr);
      const d = await k.getDelegation(ctx, del(r.delegatorAddr), op);
      if (!d) throw notFound(`delegation with delegator ${r.delegatorAddr} not found for validator ${r.validatorAddr}`);
      const v = await k.getValidator(ctx, op);
      if (!v) throw notFound(`validator ${r.validatorAddr} not found`);
      return { validator: v };
    }),
  );

  cfg.registerQuery(
    `${P}HistoricalInfo`,
    queryHandler(QueryHistoricalInfoRequest, QueryHistoricalInfoResponse, async (_ctx, r) => {
      if (r.height < 0n) throw invalidArgument("height cannot be negative");
      // historical info is not recorded (see README): every height answers NotFound, as a pruned one
      throw notFound(`historical info for height ${r.height} not found`);
    }),
  );

  cfg.registerQuery(
    `${P}Pool`,
    queryHandler(QueryPoolRequest, QueryPoolResponse, async (ctx) => ({
      pool: {
        notBondedTokens: (await k.notBondedTokens(ctx)).toString(),
        bondedTokens: (await k.totalBondedTokens(ctx)).toString(),
      },
    })),
  );

  cfg.registerQuery(
    `${P}Params`,
    queryHandler(QueryParamsRequest, QueryParamsResponse, async (ctx) => ({ params: await k.getParams(ctx) })),
  );
}
